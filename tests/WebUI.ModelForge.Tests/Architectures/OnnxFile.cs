using System.Runtime.InteropServices;
using Onnx;

namespace WebUI.ModelForge.Tests.Architectures;

/// <summary>Reads written models back with the protobuf classes, to inspect initializers and external-data references.</summary>
static class OnnxFile
{
    public static ModelProto Load(string path)
    {
        using var f = File.OpenRead(path);
        return ModelProto.Parser.ParseFrom(f);
    }

    public static TensorProto Initializer(ModelProto model, string name) =>
        model.Graph.Initializer.SingleOrDefault(t => t.Name == name) ?? throw new KeyNotFoundException($"No initializer '{name}'.");

    public static string? External(TensorProto t, string key) => t.ExternalData.FirstOrDefault(e => e.Key == key)?.Value;

    /// <summary>The tensor's values as floats (float or float16; inline or external next to <paramref name="modelDir"/>).</summary>
    public static float[] Floats(TensorProto t, string modelDir)
    {
        byte[] raw;
        if (t.DataLocation == TensorProto.Types.DataLocation.External)
        {
            using var f = File.OpenRead(Path.Combine(modelDir, External(t, "location")!));
            f.Position = long.Parse(External(t, "offset") ?? "0");
            raw = new byte[long.Parse(External(t, "length")!)];
            f.ReadExactly(raw);
        }
        else raw = t.RawData.ToByteArray();
        return t.DataType switch
        {
            (int)TensorProto.Types.DataType.Float => MemoryMarshal.Cast<byte, float>(raw).ToArray(),
            (int)TensorProto.Types.DataType.Float16 => MemoryMarshal.Cast<byte, Half>(raw).ToArray().Select(h => (float)h).ToArray(),
            _ => throw new ArgumentException($"Tensor {t.Name} is not float."),
        };
    }
}
