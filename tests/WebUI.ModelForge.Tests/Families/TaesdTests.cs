using Onnx;
using WebUI.ModelForge.Tests.Architectures;
using static WebUI.ModelForge.Tests.Families.FamilyIo;

namespace WebUI.ModelForge.Tests.Families;

/// <summary>TAESD decoder/encoder files (diffusion-reference §6d): I/O, ×8 shapes, the latent clamp, the two output ranges.</summary>
public sealed class TaesdTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    static float[] Decode(string model, double[] latent, int batch, int h, int w, out long[] shape)
    {
        using var session = Ort.Load(model);
        var o = Ort.Run(session, ("latent_sample", Ort.Tensor(F32, latent, [batch, 4, h, w])))["sample"];
        shape = o.Shape;
        return o.Data;
    }

    [Fact]
    public void DecoderAndEncoderDeclareTheExportedInterface()
    {
        using (var dec = Ort.Load(TaesdModels.BuildDecoder(_dir.Sub("d.onnx"))))
        {
            AssertIo(dec.InputMetadata, new Io("latent_sample", F32, "batch", 4, "latent_height", "latent_width"));
            AssertIo(dec.OutputMetadata, new Io("sample", F32, "batch", 3, "height", "width"));
            Assert.Equal("0,1", dec.ModelMetadata.CustomMetadataMap["taesd.range"]);
            Assert.Equal("sd", dec.ModelMetadata.CustomMetadataMap["taesd.variant"]);
        }
        using (var enc = Ort.Load(TaesdModels.BuildEncoder(_dir.Sub("e.onnx"), xl: true)))
        {
            AssertIo(enc.InputMetadata, new Io("sample", F32, "batch", 3, "height", "width"));
            AssertIo(enc.OutputMetadata, new Io("latent_sample", F32, "batch", 4, "latent_height", "latent_width"));
            Assert.Equal("sdxl", enc.ModelMetadata.CustomMetadataMap["taesd.variant"]);
        }
        // Only the operators the real exports use: Conv, Relu, Resize, Add, Mul, Div, Tanh (+ Identity for the renamed output).
        var ops = OnnxFile.Load(_dir.Sub("d.onnx")).Graph.Node.Select(n => n.OpType).ToHashSet();
        Assert.Subset(new HashSet<string> { "Conv", "Relu", "Resize", "Add", "Mul", "Div", "Tanh", "Identity" }, ops);
        Assert.Contains("Tanh", ops);
        Assert.Contains("Resize", ops);
    }

    [Fact]
    public void DecoderUpscalesByEightAtAnyBatchAndSize()
    {
        var model = TaesdModels.BuildDecoder(_dir.Sub("d.onnx"));
        foreach (var (batch, h, w) in new[] { (1, 8, 8), (2, 8, 8), (2, 6, 10) })
        {
            var image = Decode(model, Ort.Noise(batch * 4 * h * w, 3, 2), batch, h, w, out var shape);
            Assert.Equal([batch, 3, 8 * h, 8 * w], shape);
            DialectIoTests.AssertFiniteAndBounded(image, 10);
        }
    }

    /// <summary>The AutoencoderTiny flavour is exactly 2·x − 1 of the taesd.py flavour (same weights, other range).</summary>
    [Fact]
    public void MinusOneToOneFlavourIsTheAffineMapOfTheSameWeights()
    {
        var latent = Ort.Noise(4 * 36, 4, 2);
        var raw = Decode(TaesdModels.BuildDecoder(_dir.Sub("raw.onnx")), latent, 1, 6, 6, out _);
        var signed = Decode(TaesdModels.BuildDecoder(_dir.Sub("pm.onnx"), outputMinus1To1: true), latent, 1, 6, 6, out _);
        for (int i = 0; i < raw.Length; i++) Assert.Equal(2 * raw[i] - 1, signed[i], 4);
        using var s = Ort.Load(_dir.Sub("pm.onnx"));
        Assert.Equal("-1,1", s.ModelMetadata.CustomMetadataMap["taesd.range"]);

        var xl = Decode(TaesdModels.BuildDecoder(_dir.Sub("xl.onnx"), xl: true), latent, 1, 6, 6, out _);
        Assert.True(DialectIoTests.MaxAbsDiff(raw, xl) > 1e-3, "taesdxl must have weights of its own");
    }

    /// <summary>tanh(x/3)·3 first: latents far outside ±3 all decode like ±3.</summary>
    [Fact]
    public void DecoderClampsTheLatentsFirst()
    {
        var model = TaesdModels.BuildDecoder(_dir.Sub("d.onnx"));
        var signs = Ort.Noise(4 * 16, 5).Select(v => v < 0 ? -1.0 : 1.0).ToArray();
        var big = Decode(model, signs.Select(v => v * 60).ToArray(), 1, 4, 4, out _);
        var huge = Decode(model, signs.Select(v => v * 600).ToArray(), 1, 4, 4, out _);
        var small = Decode(model, signs.Select(v => v * 0.5).ToArray(), 1, 4, 4, out _);
        Assert.True(DialectIoTests.MaxAbsDiff(big, huge) < 1e-4);
        Assert.True(DialectIoTests.MaxAbsDiff(big, small) > 1e-2);
    }

    [Fact]
    public void EncoderDownscalesByEightAndHonoursItsInputRange()
    {
        var unit = TaesdModels.BuildEncoder(_dir.Sub("e.onnx"));
        var signed = TaesdModels.BuildEncoder(_dir.Sub("e-pm.onnx"), inputMinus1To1: true);
        var image01 = Ort.Noise(2 * 3 * 48 * 80, 6).Select(v => v * 0.5 + 0.5).ToArray();
        using var a = Ort.Load(unit);
        using var b = Ort.Load(signed);
        var la = Ort.Run(a, ("sample", Ort.Tensor(F32, image01, [2, 3, 48, 80])))["latent_sample"];
        var lb = Ort.Run(b, ("sample", Ort.Tensor(F32, image01.Select(v => 2 * v - 1).ToArray(), [2, 3, 48, 80])))["latent_sample"];
        Assert.Equal([2, 4, 6, 10], la.Shape);
        DialectIoTests.AssertFiniteAndBounded(la.Data, 20);
        Assert.True(DialectIoTests.MaxAbsDiff(la.Data, lb.Data) < 1e-4, "[−1, 1] input must be mapped to [0, 1] first");
    }

    [Fact]
    public void BuildAllWritesTheFourFilesA1111Names()
    {
        var files = TaesdModels.BuildAll(_dir.Sub("VAE-approx"));
        Assert.Equal(["taesd_decoder.onnx", "taesd_encoder.onnx", "taesdxl_decoder.onnx", "taesdxl_encoder.onnx"],
            files.Select(Path.GetFileName).Order());
        foreach (var f in files) Assert.InRange(new FileInfo(f).Length, 4_000_000, 6_000_000); // ~1.2 M float weights
        Assert.Contains(OnnxFile.Load(files[0]).Graph.Initializer, t => t.Name == "decoder.layers.2.conv.0.weight");
        Assert.DoesNotContain(OnnxFile.Load(files[0]).Graph.Initializer, t => t.Name == "decoder.layers.6.bias"); // bias-free
    }
}
