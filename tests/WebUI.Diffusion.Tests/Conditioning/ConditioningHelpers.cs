using Microsoft.ML.OnnxRuntime;
using WebUI.Diffusion.Models;
using WebUI.Diffusion.Text;

namespace WebUI.Diffusion.Tests.Conditioning;

/// <summary>Loads model folders the way the engine does, and runs their text encoders directly for expectations.</summary>
internal static class ConditioningHelpers
{
    public static DiffusionModel Load(string dir, string? embeddingsDir = null)
    {
        var folder = ModelFolder.Open(dir);
        var model = DiffusionModel.Load(new ModelInfo("m", dir, folder.Family, null), folder,
            new OnnxSessionFactory(new EngineOptions { IntraOpThreads = 1 }), ClipTextTokenizer.FromFolder);
        if (embeddingsDir is not null) model.Conditioner.Embeddings = new EmbeddingDatabase(embeddingsDir);
        return model;
    }

    public static ConditioningSchedule Build(DiffusionModel model, string prompt, string negative = "", int steps = 10,
        EmphasisMode emphasis = EmphasisMode.Original, int clipSkip = 1, bool padConds = false, int width = 64, int height = 64)
    {
        using var ro = new RunOptions();
        double seconds = 0;
        return model.Conditioner.Build(new ConditioningOptions(prompt, negative, steps, width, height, emphasis, clipSkip, padConds), ro, ref seconds);
    }

    /// <summary>Runs a text encoder's ONNX file on one 77-token chunk and returns the named outputs as float32.</summary>
    public static Dictionary<string, float[]> RunEncoder(string modelFile, int[] ids, params string[] outputs)
    {
        using var so = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(modelFile, so);
        var idType = session.InputMetadata["input_ids"].ElementDataType;
        using var input = idType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Int64
            ? OrtValue.CreateTensorValueFromMemory(ids.Select(i => (long)i).ToArray(), [1, ids.Length])
            : OrtValue.CreateTensorValueFromMemory(ids.ToArray(), [1, ids.Length]);
        using var results = session.Run(new RunOptions(), ["input_ids"], [input], outputs);
        var map = new Dictionary<string, float[]>();
        for (int i = 0; i < outputs.Length; i++)
        {
            var info = results[i].GetTensorTypeAndShape();
            var values = new float[info.ElementCount];
            TensorBuffer.ReadFrom(results[i], values);
            map[outputs[i]] = values;
        }
        return map;
    }

    /// <summary>A PNG's RGB bytes (so that comparisons ignore the infotext chunk).</summary>
    public static byte[] Pixels(byte[] png)
    {
        using var image = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.Rgb24>(png);
        var bytes = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(bytes);
        return bytes;
    }

    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs(expected[i] - actual[i]);
            if (d > worst) { worst = d; at = i; }
        }
        Assert.True(worst <= tolerance, $"{what}: max difference {worst} at {at} (expected {(at >= 0 ? expected[at] : 0)}, got {(at >= 0 ? actual[at] : 0)})");
    }
}
