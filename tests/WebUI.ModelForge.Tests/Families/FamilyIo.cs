using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using WebUI.ModelForge.Tests.Architectures;

namespace WebUI.ModelForge.Tests.Families;

/// <summary>Checks of declared I/O against tables written in the tests, and small file readers.</summary>
static class FamilyIo
{
    public const TensorElementType F32 = TensorElementType.Float, I64 = TensorElementType.Int64, I32 = TensorElementType.Int32;

    /// <summary>
    /// One expected input or output: name, element type and dims (int = fixed size, string = named dynamic axis,
    /// <see cref="AnySize"/> = not checked: ORT replaces a named output axis by the size its shape inference finds).
    /// </summary>
    public sealed record Io(string Name, TensorElementType Type, params object[] Dims);

    public static readonly object AnySize = new();

    /// <summary>The declared names must be exactly the table's; each type, rank, fixed size and dynamic-axis name must match.</summary>
    public static void AssertIo(IReadOnlyDictionary<string, NodeMetadata> actual, params Io[] expected)
    {
        Assert.Equal(expected.Select(e => e.Name).Order(), actual.Keys.Order());
        foreach (var e in expected)
        {
            var m = actual[e.Name];
            Assert.True(e.Type == m.ElementDataType, $"{e.Name}: {m.ElementDataType}, expected {e.Type}");
            Assert.True(e.Dims.Length == m.Dimensions.Length, $"{e.Name}: rank {m.Dimensions.Length}, expected {e.Dims.Length}");
            for (int i = 0; i < e.Dims.Length; i++)
            {
                if (ReferenceEquals(e.Dims[i], AnySize)) continue;
                if (e.Dims[i] is int size) Assert.True(size == m.Dimensions[i], $"{e.Name} dim {i}: {m.Dimensions[i]}, expected {size}");
                else Assert.True((string)e.Dims[i] == m.SymbolicDimensions[i], $"{e.Name} dim {i}: '{m.SymbolicDimensions[i]}', expected '{e.Dims[i]}'");
            }
        }
    }

    /// <summary>hidden_states.0 … hidden_states.L of an Optimum text encoder (L layers; .0 is the embedding output).</summary>
    public static IEnumerable<Io> HiddenStates(int layers, int width) =>
        Enumerable.Range(0, layers + 1).Select(i => new Io($"hidden_states.{i}", F32, "batch_size", "sequence_length", width));

    public static JsonElement Json(string dir, string file) => JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, file))).RootElement;

    public static InferenceSession Open(string dir, string part) => Ort.Load(Path.Combine(dir, part, "model.onnx"));

    /// <summary>Runs a text encoder on token rows (BOS, words, EOS, then <paramref name="pad"/>); returns every output.</summary>
    public static Dictionary<string, (long[] Shape, float[] Data, TensorElementType Type)> Encode(InferenceSession te, string dir, int batch, int? pad = null)
    {
        // The refiner has only tokenizer_2 (same vocabulary): read the EOS id from whichever tokenizer exists.
        string tokenizer = Directory.Exists(Path.Combine(dir, "tokenizer")) ? "tokenizer" : "tokenizer_2";
        int eos = Json(dir, $"{tokenizer}/vocab.json").GetProperty("<|endoftext|>").GetInt32();
        var ids = DialectIoTests.TokenRows(batch, eos);
        if (pad is int p)
            for (int r = 0; r < batch; r++)
                for (int i = 5 + r; i < 77; i++) ids[r * 77 + i] = p; // keep the first EOS, pad after it
        return Ort.Run(te, ("input_ids", Ort.Tensor(te.InputMetadata["input_ids"].ElementDataType, ids, [batch, 77])));
    }
}

/// <summary>
/// Inputs for one UNet call, filled for whatever the session declares: sample, timestep (0-d or [1]),
/// encoder_hidden_states, and when present text_embeds, time_ids (SDXL) and timestep_cond (LCM).
/// Unset values are seeded noise, SDXL's default time_ids for the image size, and LCM's w-embedding for w = 7.5.
/// </summary>
sealed record UnetInputs(int Batch = 1, int Height = 8, int Width = 8)
{
    public int Channels { get; init; } = 4;
    public double Timestep { get; init; } = 500;
    public double[]? Sample { get; init; }
    public int ContextSeed { get; init; } = 3;
    public double[]? TextEmbeds { get; init; }
    public double[]? TimeIds { get; init; }
    public double[]? TimestepCond { get; init; }

    public (long[] Shape, float[] Data) Run(InferenceSession unet)
    {
        var meta = unet.InputMetadata;
        var type = meta["sample"].ElementDataType;
        var inputs = new List<(string, OrtValue)>
        {
            ("sample", Ort.Tensor(type, Sample ?? Ort.Noise(Batch * Channels * Height * Width, 1), [Batch, Channels, Height, Width])),
            ("timestep", Ort.Tensor(meta["timestep"].ElementDataType, [Timestep], meta["timestep"].Dimensions.Length == 0 ? [] : [1])),
        };
        int width = meta["encoder_hidden_states"].Dimensions[2];
        inputs.Add(("encoder_hidden_states", Ort.Tensor(type, Ort.Noise(Batch * 77 * width, ContextSeed, 1.5), [Batch, 77, width])));
        if (meta.TryGetValue("text_embeds", out var te))
        {
            int p = te.Dimensions[1];
            inputs.Add(("text_embeds", Ort.Tensor(type, TextEmbeds ?? Ort.Noise(Batch * p, 5, 1.5), [Batch, p])));
        }
        if (meta.TryGetValue("time_ids", out var ti))
        {
            int n = ti.Dimensions[1];
            inputs.Add(("time_ids", Ort.Tensor(type, TimeIds ?? DefaultTimeIds(n), [Batch, n])));
        }
        if (meta.TryGetValue("timestep_cond", out var tc))
        {
            int d = tc.Dimensions[1];
            inputs.Add(("timestep_cond", Ort.Tensor(type, TimestepCond ?? Repeat(GuidanceEmbedding(7.5, d)), [Batch, d])));
        }
        var o = Ort.Run(unet, [.. inputs])["out_sample"];
        return (o.Shape, o.Data);
    }

    /// <summary>SDXL's (orig_h, orig_w, crop_top, crop_left, target_h, target_w), or the refiner's (…, aesthetic score 6).</summary>
    double[] DefaultTimeIds(int n)
    {
        double h = Height * 8, w = Width * 8;
        return Repeat(n == 6 ? [h, w, 0, 0, h, w] : [h, w, 0, 0, 6.0]);
    }

    double[] Repeat(double[] row) => Enumerable.Repeat(row, Batch).SelectMany(r => r).ToArray();

    /// <summary>LCM's w-embedding (diffusion-reference §3.16): W = 1000·w; sin(W·f) ‖ cos(W·f), f_j = 10000^(−j/(half − 1)).</summary>
    public static double[] GuidanceEmbedding(double w, int dim)
    {
        int half = dim / 2;
        var emb = new double[dim];
        for (int j = 0; j < half; j++)
        {
            double angle = w * 1000 * Math.Exp(-j * Math.Log(10000) / (half - 1));
            emb[j] = Math.Sin(angle);
            emb[half + j] = Math.Cos(angle);
        }
        return emb;
    }
}
