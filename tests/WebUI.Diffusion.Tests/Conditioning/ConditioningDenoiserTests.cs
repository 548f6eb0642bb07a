using Microsoft.ML.OnnxRuntime;
using WebUI.Diffusion.Models;
using WebUI.Diffusion.Pipelines;
using WebUI.Diffusion.Sampling;
using WebUI.Diffusion.Tests.Pipelines;
using static WebUI.Diffusion.Tests.Conditioning.ConditioningHelpers;

namespace WebUI.Diffusion.Tests.Conditioning;

/// <summary>
/// What the UNet receives per model call. The fake UNet's ideal denoiser is D = x0 + a·mean(encoder_hidden_states of
/// its batch row) (+ r·row), so each call's output shows which conditioning that row got.
/// </summary>
public sealed class ConditioningDenoiserTests : IDisposable
{
    const int Size = 64, L = Size / 8;
    const float A = 1.5f;
    readonly TempDir _dir = new();
    readonly CapturingImageOutput _output = new();

    public void Dispose() => _dir.Dispose();

    string AddModel(string name, FakeUnetSpec? unet = null) =>
        FakeModelFolder.Build(_dir.Sub("Stable-diffusion", name),
            new FakeModelSpec { Unet = unet ?? new FakeUnetSpec { Height = L, Width = L, CondShift = A }, ScalingFactor = 1.0 });

    GenerationEngine Engine() => new(new EngineOptions { ModelsDir = _dir.Path, IntraOpThreads = 1 }, EngineServices.Default with { ImageOutput = _output });

    static double Mean(string text) => FakeModelFolder.EmbeddingMean(TinyTokenizer.Chunk(text), 32);

    static GenerationRequest Request(string model) => new()
    {
        Model = model, Prompt = "a cat", NegativePrompt = "blurry", Width = Size, Height = Size, Steps = 4,
        Sampler = "Euler", Scheduler = "Karras", CfgScale = 3, Seed = 5,
    };

    /// <summary>The first pixel of the first image in the decoder's units (gain 0.5, scale 1), minus x0's share.</summary>
    double Shift(int image = 0) => _output.Images[image].Rgb[0] / FakeModelFolder.DecoderGain - FakeUnet.DefaultX0(4, L, L)[0];

    [Fact]
    public void The_unet_gets_the_prompt_before_and_after_a_scheduled_switch_at_the_right_call()
    {
        using var model = Load(AddModel("m"));
        var schedule = Build(model, "[cat:dog:0.5]", steps: 10);
        using var ro = new RunOptions();
        using var d = new UnetDenoiser(model.Unet, model.Schedule, model.Prediction, 1, L, L, schedule, 1.0, ro);
        var x = new float[4 * L * L];
        var denoised = new float[x.Length];
        float x0 = FakeUnet.DefaultX0(4, L, L)[0];
        var seen = new List<double>();
        for (int call = 0; call < 12; call++)
        {
            d.Denoise(x, 1.0, denoised);
            seen.Add((denoised[0] - x0) / A);
        }
        double cat = Mean("cat"), dog = Mean("dog");
        Assert.NotEqual(cat, dog, 1e-4);
        // [cat:dog:0.5] over 10 steps: entries (5, cat), (10, dog); call s uses the first entry with s ≤ end step, so
        // "cat" for calls 0..5 and "dog" for 6..10; past the schedule A1111 falls back to the first entry.
        double[] expected = [cat, cat, cat, cat, cat, cat, dog, dog, dog, dog, dog, cat];
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - seen[i]) < 1e-5, $"call {i}: {seen[i]} vs {expected[i]}");

        d.StartSampling(); // a new sampling run starts the schedule again
        d.Denoise(x, 1.0, denoised);
        Assert.Equal(cat, (denoised[0] - x0) / A, 1e-5);
        Assert.Equal(13, d.ModelCalls);
    }

    [Fact]
    public void Second_order_samplers_schedule_over_twice_the_steps()
    {
        AddModel("m");
        using var engine = Engine();
        // Heun, 4 steps = 7 model calls, scheduled over 8: [cat:dog:6] keeps "cat" through call 6, the last one,
        // whose D is the final image. Scheduled over 4 steps it would have switched to "dog" at call 5.
        engine.Generate(Request("m") with { Prompt = "[cat:dog:6]", Sampler = "Heun", CfgScale = 1 });
        Assert.Equal(A * Mean("cat"), Shift(), 1e-4);
        engine.Generate(Request("m") with { Prompt = "[cat:dog:3]", Sampler = "Heun", CfgScale = 1 });
        Assert.Equal(A * Mean("dog"), Shift(1), 1e-4);
    }

    [Theory]
    [InlineData("batch", 4)]
    [InlineData(1, 12)]
    public void AND_combines_the_parts_with_their_weights_in_one_batch_when_the_axis_is_dynamic(object batch, int unetCalls)
    {
        AddModel("m", new FakeUnetSpec { Height = L, Width = L, CondShift = A, Batch = batch });
        using var engine = Engine();
        var r = engine.Generate(Request("m") with { Prompt = "red cat AND blue dog :0.5" });
        double mu = Mean("blurry"), m1 = Mean("red cat "), m2 = Mean(" blue dog");
        Assert.Equal(A * (mu + 3 * (1.0 * (m1 - mu) + 0.5 * (m2 - mu))), Shift(), 1e-4);
        Assert.Equal(unetCalls, r.Timings.UnetCalls); // 3 rows: two conds + uncond
    }

    [Fact]
    public void AND_rows_follow_A1111s_batch_order()
    {
        const float r = 0.01f;
        AddModel("m", new FakeUnetSpec { Height = L, Width = L, RowShift = r });
        using var engine = Engine();
        engine.Generate(Request("m") with { Prompt = "red cat AND blue dog :0.5", BatchSize = 2 });
        // Rows: [img0 c1, img0 c2, img1 c1, img1 c2, uncond img0, uncond img1].
        double Combined(int c1, int c2, int u) => r * (u + 3 * ((c1 - u) + 0.5 * (c2 - u)));
        Assert.Equal(Combined(0, 1, 4), Shift(0), 1e-4);
        Assert.Equal(Combined(2, 3, 5), Shift(1), 1e-4);
    }

    [Fact]
    public void Different_lengths_run_apart_by_default_and_in_one_batch_with_pad_conds()
    {
        AddModel("m");
        using var engine = Engine();
        string longPrompt = string.Join(" ", Enumerable.Repeat("red cat", 50)); // 100 tokens → 2 chunks
        var ids = TinyTokenizer.Value.Encode(longPrompt);
        var bos = TinyTokenizer.Value.BosId;
        var chunk2 = new[] { bos }.Concat(ids[75..]).Concat(Enumerable.Repeat(TinyTokenizer.Value.EosId, 76 - 25)).ToArray();
        var chunk1 = new[] { bos }.Concat(ids[..75]).Append(TinyTokenizer.Value.EosId).ToArray();
        double mc = FakeModelFolder.EmbeddingMean(chunk1.Concat(chunk2), 32), mu = Mean("blurry"), empty = Mean("");

        var apart = engine.Generate(Request("m") with { Prompt = longPrompt });
        Assert.Equal(8, apart.Timings.UnetCalls);
        Assert.Equal(A * (mu + 3 * (mc - mu)), Shift(0), 1e-4);
        Assert.DoesNotContain(_output.Images[0].Facts.Extra!, e => e.Key == "Pad conds");

        var padded = engine.Generate(Request("m") with { Prompt = longPrompt, PadConds = true });
        Assert.Equal(4, padded.Timings.UnetCalls);
        double mup = (mu + empty) / 2; // the negative gets one empty-prompt chunk appended
        Assert.Equal(A * (mup + 3 * (mc - mup)), Shift(1), 1e-4);
        Assert.Contains(new KeyValuePair<string, object?>("Pad conds", true), _output.Images[1].Facts.Extra!);
    }

    [Fact]
    public void A_single_weighted_part_at_cfg_one_still_runs_the_unconditional_half()
    {
        AddModel("m");
        using var engine = Engine();
        var r = engine.Generate(Request("m") with { Prompt = "a cat :0.5", CfgScale = 1 });
        double mu = Mean("blurry"), mc = Mean("a cat");
        Assert.Equal(A * (mu + 0.5 * (mc - mu)), Shift(), 1e-4);
        Assert.Equal(4, r.Timings.UnetCalls);
    }
}
