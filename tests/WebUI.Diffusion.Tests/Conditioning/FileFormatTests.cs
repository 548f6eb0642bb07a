using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Onnx;
using WebUI.Diffusion.Models;
using WebUI.Diffusion.Tests.Pipelines;
using WebUI.ModelForge.Onnx;

namespace WebUI.Diffusion.Tests.Conditioning;

/// <summary>The two file readers conditioning needs: ONNX initializers (clip skip, textual inversion) and .safetensors embeddings.</summary>
public sealed class FileFormatTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    static float[] Values(int n, float start) => Enumerable.Range(0, n).Select(i => start + i * 0.25f).ToArray();

    [Fact]
    public void Onnx_initializers_are_read_in_every_storage_form()
    {
        var g = new GraphBuilder("t");
        g.Input("x", ElementType.Float, 3);
        g.Initializer("raw32", Values(6, 1), [2, 3]);
        g.Initializer("raw16", Values(4, -1), [4], ElementType.Float16);
        g.Initializer("big", Values(600, 0), [600]); // moved to external data below
        var floatData = new TensorProto { Name = "float_data", DataType = 1 };
        floatData.Dims.Add(3);
        floatData.FloatData.AddRange(Values(3, 7));
        g.Initializer(floatData);
        var halfInts = new TensorProto { Name = "half_ints", DataType = 10 };
        halfInts.Dims.Add(2);
        halfInts.Int32Data.AddRange(new[] { 1.5f, -2f }.Select(v => (int)BitConverter.HalfToUInt16Bits((Half)v)));
        g.Initializer(halfInts);
        g.OutputAs(g.Op("Add", "x", g.Scalar(1f)), "y", ElementType.Float, 3);
        string path = _dir.Sub("m", "model.onnx");
        ModelWriter.Save(g.Build(), path, "model.onnx_data", threshold: 1024);

        var found = OnnxInitializers.Read(path, ["raw32", "raw16", "big", "float_data", "half_ints", "absent"]);
        Assert.Equal(5, found.Count);
        Assert.Equal(Values(6, 1), found["raw32"].Values);
        Assert.Equal([2L, 3], found["raw32"].Dims);
        Assert.Equal(OnnxFloatTensor.ElementKind.Float16, found["raw16"].Kind);
        Assert.Equal(Values(4, -1), found["raw16"].Values);
        Assert.Equal(Values(600, 0), found["big"].Values);
        Assert.Equal(Values(3, 7), found["float_data"].Values);
        Assert.Equal([1.5f, -2f], found["half_ints"].Values);
        Assert.False(found.ContainsKey("absent"));
    }

    [Fact]
    public void A_file_that_is_not_onnx_is_reported()
    {
        string path = _dir.Sub("junk.onnx");
        File.WriteAllBytes(path, [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]);
        Assert.Throws<InvalidDataException>(() => OnnxInitializers.Read(path, ["x"]));
    }

    /// <summary>Writes a .safetensors file: header JSON then the tensors' bytes in order.</summary>
    internal static void WriteSafetensors(string path, params (string Name, string DType, long[] Shape, float[] Values)[] tensors)
    {
        var header = new Dictionary<string, object> { ["__metadata__"] = new Dictionary<string, string> { ["format"] = "pt" } };
        var data = new MemoryStream();
        foreach (var (name, dtype, shape, values) in tensors)
        {
            long begin = data.Position;
            var b = new byte[4];
            foreach (var v in values)
            {
                switch (dtype)
                {
                    case "F32": BinaryPrimitives.WriteSingleLittleEndian(b, v); data.Write(b, 0, 4); break;
                    case "F16": BinaryPrimitives.WriteHalfLittleEndian(b, (Half)v); data.Write(b, 0, 2); break;
                    default: BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)(BitConverter.SingleToInt32Bits(v) >> 16)); data.Write(b, 0, 2); break;
                }
            }
            header[name] = new { dtype, shape, data_offsets = new[] { begin, data.Position } };
        }
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var f = File.Create(path);
        Span<byte> len = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)json.Length);
        f.Write(len);
        f.Write(json);
        data.WriteTo(f);
    }

    [Fact]
    public void Safetensors_tensors_in_f32_f16_and_bf16_are_read()
    {
        string path = _dir.Sub("t.safetensors");
        WriteSafetensors(path, ("a", "F32", [2, 2], [1, 2, 3, 4]), ("b", "F16", [3], [0.5f, -1, 2]), ("c", "BF16", [2], [1.5f, -3]));
        var t = Safetensors.Read(path).ToDictionary(x => x.Name);
        Assert.Equal(3, t.Count);
        Assert.Equal([1f, 2, 3, 4], t["a"].Values);
        Assert.Equal([2L, 2], t["a"].Shape);
        Assert.Equal([0.5f, -1, 2], t["b"].Values);
        Assert.Equal([1.5f, -3], t["c"].Values);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 }, "too short")]
    [InlineData(new byte[] { 0xff, 0, 0, 0, 0, 0, 0, 0, 0x7b }, "runs past the end")]
    [InlineData(new byte[] { 2, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x7b }, "not valid JSON")]
    public void Broken_safetensors_files_are_named(byte[] bytes, string problem)
    {
        var e = Assert.Throws<InvalidDataException>(() => Safetensors.Parse(bytes, "x.safetensors"));
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void Embedding_layouts_of_A1111_diffusers_and_sdxl_are_recognised()
    {
        var vec = Values(8, 0);
        var a1111 = TextualInversionEmbedding.FromTensors("a", "a", [new SafetensorsTensor("emb_params", [2, 4], "F32", vec)]);
        Assert.Equal((2, 4), (a1111.Vectors, a1111.Widths[""]));
        var diffusers = TextualInversionEmbedding.FromTensors("d", "d", [new SafetensorsTensor("<cat-toy>", [4], "F32", vec[..4])]);
        Assert.Equal((1, 4), (diffusers.Vectors, diffusers.Widths[""]));
        var sdxl = TextualInversionEmbedding.FromTensors("x", "x", [
            new SafetensorsTensor("clip_l", [2, 2], "F32", vec[..4]), new SafetensorsTensor("clip_g", [2, 4], "F32", vec)]);
        Assert.Equal(2, sdxl.Vectors);
        Assert.Equal(new Dictionary<string, int> { ["clip_l"] = 2, ["clip_g"] = 4 }, sdxl.Widths);
        Assert.Throws<InvalidDataException>(() => TextualInversionEmbedding.FromTensors("m", "m", [
            new SafetensorsTensor("p", [4], "F32", vec[..4]), new SafetensorsTensor("q", [4], "F32", vec[..4])]));
    }

    [Fact]
    public void The_embedding_folder_lists_usable_files_and_the_reasons_for_the_others()
    {
        string dir = _dir.Sub("embeddings");
        WriteSafetensors(Path.Combine(dir, "sub", "good.safetensors"), ("emb_params", "F16", [1, 4], [1, 2, 3, 4]));
        File.WriteAllBytes(Path.Combine(dir, "old.pt"), [1, 2, 3]);
        File.WriteAllBytes(Path.Combine(dir, "bad.safetensors"), [1, 2, 3]);
        var db = new EmbeddingDatabase(dir).Refresh();
        Assert.Equal(["good"], db.Embeddings.Keys);
        Assert.Equal(2, db.Problems.Count);
        Assert.Contains(db.Problems, p => p.File.EndsWith("old.pt") && p.Problem.Contains(".safetensors"));
        var good = db.Embeddings["good"];
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(good.FilePath)))[..12], good.ShortHash);

        File.Delete(good.FilePath);
        Assert.Empty(db.Refresh().Embeddings);
    }
}
