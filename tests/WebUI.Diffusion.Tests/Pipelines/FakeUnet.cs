using Onnx;
using WebUI.Diffusion.Models;
using WebUI.Diffusion.Sampling;
using WebUI.ModelForge.Onnx;

namespace WebUI.Diffusion.Tests.Pipelines;

/// <summary>How the fake UNet's timestep input is declared (the exporter dialects of diffusion-reference §1.6).</summary>
public enum TimestepKind { FloatVector, FloatScalar, Int64Vector, Int64Steps }

/// <summary>
/// A fake UNet (diffusion-reference §8.9) whose ideal denoiser is known in closed form. It rebuilds σ from t exactly
/// as k-diffusion's t_to_sigma does (log-σ interpolation in the table) and returns the ε or v that makes
/// D(x, σ) equal to the target:
///  - Point data: D = X0 + CondShift·mean(encoder_hidden_states[row]) + RowShift·row (row = index in the UNet batch);
///  - Gaussian data N(0, s²): D = x·s²/(s² + σ²).
/// </summary>
public sealed record FakeUnetSpec
{
    public PredictionType Prediction { get; init; } = PredictionType.Epsilon;
    public ElementType Float { get; init; } = ElementType.Float;
    public TimestepKind Timestep { get; init; } = TimestepKind.FloatVector;
    /// <summary>"batch" (dynamic) or a fixed int.</summary>
    public object Batch { get; init; } = "batch";
    public object Sequence { get; init; } = "sequence";
    public int Channels { get; init; } = 4;
    public int Height { get; init; } = 8;
    public int Width { get; init; } = 8;
    /// <summary>Declare height/width as fixed dims (otherwise symbolic).</summary>
    public bool FixedSpatial { get; init; }
    public int TextWidth { get; init; } = 32;
    public float[]? X0 { get; init; }
    public double? GaussianS { get; init; }
    public float CondShift { get; init; }
    public float RowShift { get; init; }
    /// <summary>Adds a practically endless Loop so a run only ends by termination.</summary>
    public bool Slow { get; init; }
    public string SampleName { get; init; } = "sample";
    /// <summary>SDXL inputs text_embeds [B, width] and time_ids [B, count]: D += PooledShift·mean(text_embeds) + TimeIdsShift·mean(time_ids).</summary>
    public int? TextEmbedsWidth { get; init; }
    public int TimeIdsCount { get; init; } = 6;
    public float PooledShift { get; init; }
    public float TimeIdsShift { get; init; }
    /// <summary>LCM input timestep_cond [B, width]: D += TimestepCondShift·mean(timestep_cond).</summary>
    public int? TimestepCondWidth { get; init; }
    public float TimestepCondShift { get; init; }
}

public static class FakeUnet
{
    public static float[] DefaultX0(int channels, int height, int width)
    {
        var x0 = new float[channels * height * width];
        for (int i = 0; i < x0.Length; i++) x0[i] = (float)Math.Sin(0.7 * i + 0.3) * 0.8f;
        return x0;
    }

    public static ModelProto Build(FakeUnetSpec s)
    {
        var g = new GraphBuilder("fake_unet");
        var ft = s.Float;
        object h = s.FixedSpatial ? s.Height : "height", w = s.FixedSpatial ? s.Width : "width";
        g.Input(s.SampleName, ft, s.Batch, s.Channels, h, w);
        switch (s.Timestep)
        {
            case TimestepKind.FloatVector: g.Input("timestep", ft, "timestep_batch"); break;
            case TimestepKind.FloatScalar: g.Input("timestep", ft); break;
            case TimestepKind.Int64Vector: g.Input("timestep", ElementType.Int64, 1); break;
            case TimestepKind.Int64Steps: g.Input("timestep", ElementType.Int64, "steps"); break;
        }
        g.Input("encoder_hidden_states", ft, s.Batch, s.Sequence, s.TextWidth);

        string ToF32(string v, ElementType t) => t == ElementType.Float ? v : g.Op("Cast", [v], ("to", (int)ElementType.Float));
        string xs = ToF32(s.SampleName, ft);
        string ehs = ToF32("encoder_hidden_states", ft);
        string tf = g.Op("Reshape", ToF32("timestep", s.Timestep is TimestepKind.Int64Vector or TimestepKind.Int64Steps ? ElementType.Int64 : ft), g.Ints(1));

        // σ(t) by log-linear interpolation in the table, exactly k-diffusion's t_to_sigma.
        var logSigmas = NoiseSchedule.Default.Sigmas.Select(x => (float)Math.Log(x)).ToArray();
        string table = g.Initializer("log_sigmas", logSigmas, [logSigmas.Length]);
        string lo = g.Op("Cast", [g.Op("Floor", tf)], ("to", (int)ElementType.Int64));
        string hi = g.Op("Min", g.Op("Add", lo, g.Ints(1)), g.Ints(logSigmas.Length - 1));
        string frac = g.Op("Sub", tf, g.Op("Cast", [lo], ("to", (int)ElementType.Float)));
        string llo = g.Op("Gather", [table, lo], ("axis", 0));
        string lhi = g.Op("Gather", [table, hi], ("axis", 0));
        string sigma = g.Op("Exp", g.Op("Add", llo, g.Op("Mul", frac, g.Op("Sub", lhi, llo))));
        string sigma2 = g.Op("Mul", sigma, sigma);
        string k = g.Op("Sqrt", g.Op("Add", g.Scalar(1f), sigma2));
        string x = g.Op("Mul", xs, k); // back from the UNet's VP input to k-diffusion's x

        string d;
        if (s.GaussianS is { } gs)
        {
            string s2 = g.Scalar((float)(gs * gs));
            d = g.Op("Mul", x, g.Op("Div", s2, g.Op("Add", s2, sigma2)));
        }
        else
        {
            var x0 = s.X0 ?? DefaultX0(s.Channels, s.Height, s.Width);
            d = g.Initializer("x0", x0, [1, s.Channels, s.Height, s.Width]);
            if (s.CondShift != 0)
            {
                string m = g.Op("ReduceMean", [ehs], ("axes", new long[] { 1, 2 }), ("keepdims", 1));
                string m4 = g.Op("Unsqueeze", m, g.Ints(3));
                d = g.Op("Add", d, g.Op("Mul", m4, g.Scalar(s.CondShift)));
            }
            // Per-row means of a [B, n] input, broadcast as [B, 1, 1, 1].
            string RowMean(string input, float shift) =>
                g.Op("Mul", g.Op("Unsqueeze", g.Op("ReduceMean", [ToF32(input, ft)], ("axes", new long[] { 1 }), ("keepdims", 1)), g.Ints(2, 3)), g.Scalar(shift));
            if (s.TextEmbedsWidth is int tw)
            {
                g.Input("text_embeds", ft, s.Batch, tw);
                g.Input("time_ids", ft, s.Batch, s.TimeIdsCount);
                d = g.Op("Add", d, g.Op("Add", RowMean("text_embeds", s.PooledShift), RowMean("time_ids", s.TimeIdsShift)));
            }
            if (s.TimestepCondWidth is int cw)
            {
                g.Input("timestep_cond", ft, s.Batch, cw);
                d = g.Op("Add", d, RowMean("timestep_cond", s.TimestepCondShift));
            }
            if (s.RowShift != 0)
            {
                string batch = g.Op("Gather", [g.Op("Shape", s.SampleName), g.InitializerInt64("zero_index", [0])], ("axis", 0));
                string rows = g.Op("Range", g.InitializerInt64("range_start", [0]), batch, g.InitializerInt64("range_step", [1]));
                string r4 = g.Op("Reshape", g.Op("Cast", [rows], ("to", (int)ElementType.Float)), g.Ints(-1, 1, 1, 1));
                d = g.Op("Add", d, g.Op("Mul", r4, g.Scalar(s.RowShift)));
            }
        }
        string eps = g.Op("Div", g.Op("Sub", x, d), sigma);
        string output = s.Prediction == PredictionType.Epsilon ? eps : g.Op("Div", g.Op("Sub", eps, g.Op("Mul", sigma, d)), k);
        if (s.Slow) output = g.Op("Add", output, g.Op("Mul", EndlessLoop(g), g.Scalar(0f)));
        if (ft != ElementType.Float) output = g.Op("Cast", [output], ("to", (int)ft));
        g.OutputAs(output, "out_sample", ft, s.Batch, s.Channels, h, w);
        return g.Build();
    }

    /// <summary>A Loop with a billion iterations: ONNX Runtime only leaves it early through RunOptions.Terminate.</summary>
    static string EndlessLoop(GraphBuilder g)
    {
        var body = new GraphBuilder("endless_body");
        body.Input("iteration", ElementType.Int64);
        body.Input("cond_in", ElementType.Bool);
        body.Input("acc_in", ElementType.Float, 1);
        body.Node("Identity", ["cond_in"], ["cond_out"]);
        body.Output("cond_out", ElementType.Bool);
        body.OutputAs(body.Op("Add", "acc_in", body.Scalar(1f)), "acc_out", ElementType.Float, 1);

        string trips = g.InitializerInt64("trip_count", [1_000_000_000]);
        string acc0 = g.Initializer("acc0", [0f], [1]);
        var node = new NodeProto { OpType = "Loop", Name = "endless_loop" };
        node.Input.AddRange([trips, "", acc0]);
        node.Output.Add("loop_out");
        node.Attribute.Add(new AttributeProto { Name = "body", Type = AttributeProto.Types.AttributeType.Graph, G = body.Graph });
        g.Graph.Node.Add(node);
        return "loop_out";
    }
}
