using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace WebUI.ModelForge.Tests.Architectures;

/// <summary>
/// Each dialect's declared I/O must match the exporter's table (diffusion-reference.md §6a/§6b/§1.6), and every part
/// must run at batch 1 and 2 and at square and non-square sizes with finite outputs of the right shapes.
/// </summary>
[Collection(TinyFamiliesCollection.Name)]
public sealed class DialectIoTests(TinyFamilies families)
{
    const TensorElementType F32 = TensorElementType.Float, F16 = TensorElementType.Float16,
        I32 = TensorElementType.Int32, I64 = TensorElementType.Int64;

    /// <summary>The expected table, written out independently of the builder's own dialect record.</summary>
    sealed record Expected(TensorElementType Float, TensorElementType Ids, TensorElementType Timestep, int TimestepRank,
        string EncoderOutput, int EncoderChannels, string UnetDataFile, bool ConfigJson, bool HiddenStates);

    static Expected For(TinyDialect d) => d switch
    {
        TinyDialect.DiffusersFp32 => new(F32, I32, F32, 1, "latent_sample", 4, "weights.pb", false, false),
        TinyDialect.OptimumFp32 => new(F32, I64, F32, 0, "latent_parameters", 8, "model.onnx_data", true, true),
        TinyDialect.Fp16 => new(F16, I32, F16, 1, "latent_sample", 4, "weights.pb", false, false),
        TinyDialect.LegacyInt64Timestep => new(F32, I32, I64, 1, "latent_sample", 4, "weights.pb", false, false),
        _ => throw new ArgumentOutOfRangeException(nameof(d)),
    };

    public static TheoryData<TinyDialect> Dialects => new(Enum.GetValues<TinyDialect>());

    static void AssertIo(IReadOnlyDictionary<string, NodeMetadata> actual, params (string Name, TensorElementType Type, int Rank)[] expected)
    {
        Assert.Equal(expected.Select(e => e.Name).Order(), actual.Keys.Order());
        foreach (var (name, type, rank) in expected)
        {
            Assert.Equal(type, actual[name].ElementDataType);
            Assert.Equal(rank, actual[name].Dimensions.Length);
        }
    }

    [Theory]
    [MemberData(nameof(Dialects))]
    public void DeclaredInputsAndOutputsMatchTheDialectTable(TinyDialect dialect)
    {
        var e = For(dialect);
        var dir = families.Sd15(dialect);

        using (var te = Ort.Load(Path.Combine(dir, "text_encoder", "model.onnx")))
        {
            AssertIo(te.InputMetadata, ("input_ids", e.Ids, 2));
            var outputs = new List<(string, TensorElementType, int)> { ("last_hidden_state", e.Float, 3), ("pooler_output", e.Float, 2) };
            if (e.HiddenStates) for (int i = 0; i <= 2; i++) outputs.Add(($"hidden_states.{i}", e.Float, 3));
            AssertIo(te.OutputMetadata, [.. outputs]);
        }
        using (var unet = Ort.Load(Path.Combine(dir, "unet", "model.onnx")))
        {
            AssertIo(unet.InputMetadata, ("sample", e.Float, 4), ("timestep", e.Timestep, e.TimestepRank), ("encoder_hidden_states", e.Float, 3));
            AssertIo(unet.OutputMetadata, ("out_sample", e.Float, 4));
            Assert.Equal(32, unet.InputMetadata["encoder_hidden_states"].Dimensions[2]);
            // Dynamic batch/height/width; the batch axis name follows the exporter.
            var sym = unet.InputMetadata["sample"].SymbolicDimensions;
            Assert.Equal(e.ConfigJson ? "batch_size" : "batch", sym[0]);
            Assert.Equal(["height", "width"], sym[2..]);
        }
        using (var enc = Ort.Load(Path.Combine(dir, "vae_encoder", "model.onnx")))
        {
            AssertIo(enc.InputMetadata, ("sample", e.Float, 4));
            AssertIo(enc.OutputMetadata, (e.EncoderOutput, e.Float, 4));
        }
        using (var dec = Ort.Load(Path.Combine(dir, "vae_decoder", "model.onnx")))
        {
            AssertIo(dec.InputMetadata, ("latent_sample", e.Float, 4));
            AssertIo(dec.OutputMetadata, ("sample", e.Float, 4));
        }

        Assert.True(File.Exists(Path.Combine(dir, "unet", e.UnetDataFile)));
        foreach (var part in (string[])["text_encoder", "unet", "vae_encoder", "vae_decoder"])
            Assert.Equal(e.ConfigJson, File.Exists(Path.Combine(dir, part, "config.json")));
        foreach (var f in (string[])["model_index.json", "scheduler/scheduler_config.json", "tokenizer/vocab.json",
                     "tokenizer/merges.txt", "tokenizer/special_tokens_map.json", "tokenizer/tokenizer_config.json"])
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
    }

    [Theory]
    [MemberData(nameof(Dialects))]
    public void TextEncoderRunsAtBatchOneAndTwo(TinyDialect dialect)
    {
        var dir = families.Sd15(dialect);
        using var te = Ort.Load(Path.Combine(dir, "text_encoder", "model.onnx"));
        var type = te.InputMetadata["input_ids"].ElementDataType;
        foreach (int batch in (int[])[1, 2])
        {
            var ids = TokenRows(batch, eos: TokenizerEos(dir));
            var outs = Ort.Run(te, ("input_ids", Ort.Tensor(type, ids, [batch, 77])));
            Assert.Equal([batch, 77, 32], outs["last_hidden_state"].Shape);
            Assert.Equal([batch, 32], outs["pooler_output"].Shape);
            foreach (var (_, o) in outs) AssertFiniteAndBounded(o.Data, 50);
        }
    }

    [Theory]
    [MemberData(nameof(Dialects))]
    public void UnetRunsForBatchesAndSizes(TinyDialect dialect)
    {
        var dir = families.Sd15(dialect);
        using var unet = Ort.Load(Path.Combine(dir, "unet", "model.onnx"));
        foreach (var (h, w) in new[] { (8, 8), (6, 10) })
            foreach (int batch in (int[])[1, 2])
            {
                var result = RunUnet(unet, batch, h, w, timestep: 500, contextSeed: 3);
                Assert.Equal([batch, 4, h, w], result.Shape);
                AssertFiniteAndBounded(result.Data, 100);
            }
    }

    [Theory]
    [MemberData(nameof(Dialects))]
    public void VaeRoundTripShapes(TinyDialect dialect)
    {
        var e = For(dialect);
        var dir = families.Sd15(dialect);
        using var enc = Ort.Load(Path.Combine(dir, "vae_encoder", "model.onnx"));
        using var dec = Ort.Load(Path.Combine(dir, "vae_decoder", "model.onnx"));
        foreach (var (batch, height, width) in new[] { (1, 64, 64), (2, 48, 80) })
        {
            var image = Ort.Noise(batch * 3 * height * width, 5);
            var latent = Ort.Run(enc, ("sample", Ort.Tensor(e.Float, image, [batch, 3, height, width])))[e.EncoderOutput];
            Assert.Equal([batch, e.EncoderChannels, height / 8, width / 8], latent.Shape);
            AssertFiniteAndBounded(latent.Data, 100);

            var z = Ort.Noise(batch * 4 * (height / 8) * (width / 8), 6);
            var decoded = Ort.Run(dec, ("latent_sample", Ort.Tensor(e.Float, z, [batch, 4, height / 8, width / 8])))["sample"];
            Assert.Equal([batch, 3, height, width], decoded.Shape);
            AssertFiniteAndBounded(decoded.Data, 10);
        }
    }

    [Theory]
    [MemberData(nameof(Dialects))]
    public void UnetOutputDependsOnTextStatesAndTimestep(TinyDialect dialect)
    {
        var dir = families.Sd15(dialect);
        using var unet = Ort.Load(Path.Combine(dir, "unet", "model.onnx"));
        var baseline = RunUnet(unet, 1, 8, 8, timestep: 500, contextSeed: 3).Data;
        var otherText = RunUnet(unet, 1, 8, 8, timestep: 500, contextSeed: 4).Data;
        var otherTime = RunUnet(unet, 1, 8, 8, timestep: 100, contextSeed: 3).Data;
        var sameAgain = RunUnet(unet, 1, 8, 8, timestep: 500, contextSeed: 3).Data;
        Assert.Equal(baseline, sameAgain);
        Assert.True(MaxAbsDiff(baseline, otherText) > 1e-3, "cross-attention is not wired: encoder_hidden_states do not matter");
        Assert.True(MaxAbsDiff(baseline, otherTime) > 1e-3, "time embedding is not wired: the timestep does not matter");
    }

    [Theory]
    [MemberData(nameof(Dialects))]
    public void BatchRowsAreIndependentAndTakeTheirOwnTimestep(TinyDialect dialect)
    {
        var dir = families.Sd15(dialect);
        using var unet = Ort.Load(Path.Combine(dir, "unet", "model.onnx"));
        const int n = 4 * 8 * 8;
        var single = RunUnet(unet, 1, 8, 8, timestep: 500, contextSeed: 3).Data;
        var pair = RunUnet(unet, 2, 8, 8, timestep: 500, contextSeed: 3).Data;
        // Row 0 of the batch sees the same sample and text states as the single run (the noise streams share a prefix).
        Assert.True(MaxAbsDiff(single, pair[..n]) < 2e-3, "batch rows leak into each other");

        if (unet.InputMetadata["timestep"].Dimensions.Length == 0) return; // a 0-d timestep is one value for the batch
        var perRow = RunUnet(unet, 2, 8, 8, timestep: 500, contextSeed: 3, secondRowTimestep: 100).Data;
        Assert.True(MaxAbsDiff(pair[..n], perRow[..n]) < 2e-3);
        Assert.True(MaxAbsDiff(pair[n..], perRow[n..]) > 1e-3, "a [batch] timestep is not applied per row");
    }

    /// <summary>
    /// Runs the UNet: the timestep is passed as the dialect declares it, rank 0 as a scalar and rank 1 as shape [1]
    /// (what every reference pipeline passes, even at batch 2), so the graph must broadcast it to the batch.
    /// </summary>
    internal static (long[] Shape, float[] Data) RunUnet(InferenceSession unet, int batch, int h, int w, double timestep, int contextSeed,
        double? secondRowTimestep = null)
    {
        var sampleType = unet.InputMetadata["sample"].ElementDataType;
        var tMeta = unet.InputMetadata["timestep"];
        int width = unet.InputMetadata["encoder_hidden_states"].Dimensions[2];
        long[] tShape = tMeta.Dimensions.Length == 0 ? [] : [1];
        double[] t = [timestep];
        if (secondRowTimestep is double second) { t = [timestep, second]; tShape = [2]; }
        var outs = Ort.Run(unet,
            ("sample", Ort.Tensor(sampleType, Ort.Noise(batch * 4 * h * w, 1), [batch, 4, h, w])),
            ("timestep", Ort.Tensor(tMeta.ElementDataType, t, tShape)),
            ("encoder_hidden_states", Ort.Tensor(sampleType, Ort.Noise(batch * 77 * width, contextSeed, 1.5), [batch, 77, width])));
        var o = outs["out_sample"];
        return (o.Shape, o.Data);
    }

    internal static int TokenizerEos(string dir)
    {
        var vocab = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "tokenizer", "vocab.json")));
        return vocab.RootElement.GetProperty("<|endoftext|>").GetInt32();
    }

    /// <summary>Rows of BOS, a few word ids, EOS, then EOS padding (the SD 1.x layout); row r has 3 + r words.</summary>
    internal static double[] TokenRows(int batch, int eos)
    {
        var ids = new double[batch * 77];
        for (int r = 0; r < batch; r++)
        {
            ids[r * 77] = eos - 1;
            int words = 3 + r;
            for (int i = 1; i <= words; i++) ids[r * 77 + i] = 512 + 37 * i + r;
            for (int i = words + 1; i < 77; i++) ids[r * 77 + i] = eos;
        }
        return ids;
    }

    internal static void AssertFiniteAndBounded(float[] data, double bound)
    {
        Assert.NotEmpty(data);
        foreach (var v in data)
        {
            Assert.True(float.IsFinite(v), "output has NaN/Inf");
            Assert.True(Math.Abs(v) < bound, $"output value {v} is not O(1)");
        }
    }

    internal static double MaxAbsDiff(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs((double)x - y)).Max();
}
