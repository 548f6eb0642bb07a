using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace WebUI.ModelForge.Tests.Architectures;

/// <summary>Small ONNX Runtime helpers: sessions, typed inputs from float data, outputs back as float arrays.</summary>
static class Ort
{
    static Ort() => Environment.SetEnvironmentVariable("ORT_DISABLE_TELEMETRY", "1");

    public static InferenceSession Load(string modelPath, Action<SessionOptions>? configure = null)
    {
        var so = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED };
        so.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        configure?.Invoke(so);
        return new InferenceSession(modelPath, so);
    }

    /// <summary>A tensor of the given element type holding <paramref name="values"/> (converted).</summary>
    public static OrtValue Tensor(TensorElementType type, double[] values, long[] shape) => type switch
    {
        TensorElementType.Float => OrtValue.CreateTensorValueFromMemory(values.Select(v => (float)v).ToArray(), shape),
        TensorElementType.Float16 => OrtValue.CreateTensorValueFromMemory(values.Select(v => (Float16)(float)v).ToArray(), shape),
        TensorElementType.Int64 => OrtValue.CreateTensorValueFromMemory(values.Select(v => (long)Math.Round(v)).ToArray(), shape),
        TensorElementType.Int32 => OrtValue.CreateTensorValueFromMemory(values.Select(v => (int)Math.Round(v)).ToArray(), shape),
        _ => throw new ArgumentException($"Unsupported element type {type}"),
    };

    public static float[] ToFloats(OrtValue value)
    {
        var type = value.GetTensorTypeAndShape().ElementDataType;
        return type switch
        {
            TensorElementType.Float => value.GetTensorDataAsSpan<float>().ToArray(),
            TensorElementType.Float16 => value.GetTensorDataAsSpan<Float16>().ToArray().Select(h => (float)h).ToArray(),
            _ => throw new ArgumentException($"Unsupported output type {type}"),
        };
    }

    public static long[] Shape(OrtValue value) => value.GetTensorTypeAndShape().Shape;

    /// <summary>Runs with named inputs; returns every output by name as (shape, float data, element type).</summary>
    public static Dictionary<string, (long[] Shape, float[] Data, TensorElementType Type)> Run(InferenceSession session,
        params (string Name, OrtValue Value)[] inputs)
    {
        using var ro = new RunOptions();
        var names = session.OutputMetadata.Keys.ToArray();
        using var outputs = session.Run(ro, inputs.Select(i => i.Name).ToArray(), inputs.Select(i => i.Value).ToArray(), names);
        var result = new Dictionary<string, (long[], float[], TensorElementType)>();
        for (int i = 0; i < names.Length; i++)
            result[names[i]] = (Shape(outputs[i]), ToFloats(outputs[i]), outputs[i].GetTensorTypeAndShape().ElementDataType);
        foreach (var (_, v) in inputs) v.Dispose();
        return result;
    }

    /// <summary>Deterministic pseudo-random values in [−scale, scale].</summary>
    public static double[] Noise(int count, int seed, double scale = 1)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (rng.NextDouble() * 2 - 1) * scale).ToArray();
    }
}

/// <summary>A temp directory removed at dispose.</summary>
sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "forge-arch-" + Guid.NewGuid().ToString("N")[..12]));
    public string Path { get; }
    public string Sub(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose() { try { Directory.Delete(Path, true); } catch (IOException) { } }
}
