using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using WebUI.Diffusion.Models;
using WebUI.Diffusion.Pipelines;
using WebUI.Diffusion.Sampling;
using WebUI.Diffusion.Sampling.Rng;
using WebUI.ModelForge.Onnx;

namespace WebUI.Diffusion.Tests.Pipelines;

/// <summary>
/// The denoiser wiring against fake UNets whose ideal denoiser is known (diffusion-reference §8.8–8.9): every I/O
/// dialect must make the samplers land on x0, and guidance must follow D_u + w·(D_c − D_u) in A1111's batch order.
/// </summary>
public sealed class UnetDenoiserTests
{
    const int C = 4, H = 8, W = 8, Text = 32;

    internal static UnetModel Load(FakeUnetSpec spec)
    {
        using var so = new SessionOptions { IntraOpNumThreads = 1 };
        return UnetModel.Create(new InferenceSession(FakeUnet.Build(spec).ToByteArray(), so));
    }

    internal static TextEmbedding Constant(float value, int tokens = 77) =>
        new(Enumerable.Repeat(value, tokens * Text).ToArray(), tokens, Text);

    static float[] Sample(UnetDenoiser d, string sampler, string scheduler, int steps, int images, long seed = 7)
    {
        var plan = SamplerCatalog.Plan(sampler, scheduler, steps, NoiseSchedule.Default);
        var noise = new ImageNoise("GPU", Enumerable.Range(0, images).Select(i => seed + i).ToArray(), C, H, W);
        var x = new float[images * C * H * W];
        noise.First(x);
        for (int i = 0; i < x.Length; i++) x[i] *= (float)plan.Sigmas[0];
        plan.Sampler.Sample(x, new SamplingContext { Model = d, Noise = noise, Sigmas = plan.Sigmas });
        return x;
    }

    static double MaxError(float[] x, float[] x0)
    {
        double e = 0;
        for (int i = 0; i < x.Length; i++) e = Math.Max(e, Math.Abs(x[i] - x0[i % x0.Length]));
        return e;
    }

    public static TheoryData<string, PredictionType, ElementType, TimestepKind, object, int, string, string, double> Dialects => new()
    {
        // name, prediction, float type, timestep, batch axis, images, sampler, scheduler, tolerance
        { "diffusers fp32 eps", PredictionType.Epsilon, ElementType.Float, TimestepKind.FloatVector, "batch", 2, "DPM++ 2M", "Karras", 2e-4 },
        { "diffusers fp32 v", PredictionType.VPrediction, ElementType.Float, TimestepKind.FloatVector, "batch", 2, "DPM++ 2M", "Karras", 2e-4 },
        { "optimum 0-d eps", PredictionType.Epsilon, ElementType.Float, TimestepKind.FloatScalar, "batch", 2, "Euler", "Karras", 2e-4 },
        { "optimum 0-d v, Euler a", PredictionType.VPrediction, ElementType.Float, TimestepKind.FloatScalar, "batch", 1, "Euler a", "Karras", 2e-4 },
        { "fp16 eps", PredictionType.Epsilon, ElementType.Float16, TimestepKind.FloatVector, "batch", 2, "DPM++ 2M", "Karras", 2e-2 },
        { "fp16 v 0-d, fixed batch 1", PredictionType.VPrediction, ElementType.Float16, TimestepKind.FloatScalar, 1, 2, "Euler", "Karras", 2e-2 },
        { "legacy int64 eps", PredictionType.Epsilon, ElementType.Float, TimestepKind.Int64Vector, "batch", 2, "Euler", "Uniform", 2e-4 },
        { "optimum int64 steps v, fixed batch 2", PredictionType.VPrediction, ElementType.Float, TimestepKind.Int64Steps, 2, 3, "Euler", "Uniform", 2e-4 },
        { "fixed batch 1 eps", PredictionType.Epsilon, ElementType.Float, TimestepKind.FloatVector, 1, 2, "DPM++ 2M", "Karras", 2e-4 },
        { "fixed batch 2 v, 3 images (padded call)", PredictionType.VPrediction, ElementType.Float, TimestepKind.FloatVector, 2, 3, "DPM++ 2M", "Karras", 2e-4 },
    };

    [Theory]
    [MemberData(nameof(Dialects))]
    public void Every_dialect_samples_to_x0_and_cfg_is_a_no_op_for_identical_conds(string name, PredictionType prediction, ElementType ft,
        TimestepKind timestep, object batch, int images, string sampler, string scheduler, double tolerance)
    {
        using var unet = Load(new FakeUnetSpec { Prediction = prediction, Float = ft, Timestep = timestep, Batch = batch });
        using var ro = new RunOptions();
        var cond = Constant(0.25f);
        using var d = new UnetDenoiser(unet, NoiseSchedule.Default, prediction, images, H, W, cond, cond, 7.5, ro);
        // Integer timesteps are exact on the Uniform (linspace 999→0) grid with 10 steps: t = 999 − 111·i.
        var x = Sample(d, sampler, scheduler, 10, images);
        var x0 = FakeUnet.DefaultX0(C, H, W);
        Assert.True(MaxError(x, x0) < tolerance, $"{name}: max |x − x0| = {MaxError(x, x0)}");

        int rows = 2 * images, perCall = batch is int f ? f : rows;
        Assert.Equal((rows + perCall - 1) / perCall, d.CallsPerStep);
        Assert.Equal(d.ModelCalls * d.CallsPerStep, d.UnetCalls);
    }

    [Fact]
    public void Guidance_follows_the_formula_in_A1111_batch_order()
    {
        const float a = 2f, j = 0.01f, mc = 0.3f, mu = -0.1f;
        const double w = 3, sigma = 2.0;
        const int images = 2;
        using var unet = Load(new FakeUnetSpec { CondShift = a, RowShift = j });
        using var ro = new RunOptions();
        using var d = new UnetDenoiser(unet, NoiseSchedule.Default, PredictionType.Epsilon, images, H, W, Constant(mc), Constant(mu), w, ro);
        var x = Enumerable.Range(0, images * C * H * W).Select(i => (float)Math.Cos(i) * 3).ToArray();
        var denoised = new float[x.Length];
        d.Denoise(x, sigma, denoised);

        Assert.Equal(1, d.UnetCalls);
        var x0 = FakeUnet.DefaultX0(C, H, W);
        for (int i = 0; i < images; i++)
        {
            // Rows are [cond_0, cond_1, uncond_0, uncond_1]: image i's cond is row i, its uncond row images + i.
            double rc = i, ru = images + i;
            double shift = a * (mu + w * (mc - mu)) + j * (ru + w * (rc - ru));
            for (int k = 0; k < C * H * W; k++)
                Assert.Equal(x0[k] + shift, denoised[i * C * H * W + k], 3e-4);
        }
    }

    [Fact]
    public void Cfg_plus_plus_gets_the_scaled_guidance_and_the_unconditional_estimate()
    {
        const float a = 2f, mc = 0.3f, mu = -0.1f;
        const double w = 7.5, m = 1 / 12.5;
        using var unet = Load(new FakeUnetSpec { CondShift = a, Prediction = PredictionType.VPrediction });
        using var ro = new RunOptions();
        using var d = new UnetDenoiser(unet, NoiseSchedule.Default, PredictionType.VPrediction, 1, H, W, Constant(mc), Constant(mu), w, ro);
        var x = Enumerable.Range(0, C * H * W).Select(i => (float)Math.Sin(i)).ToArray();
        var den = new float[x.Length];
        var unc = new float[x.Length];
        d.DenoiseGuided(x, 4.0, m, den, unc);
        var x0 = FakeUnet.DefaultX0(C, H, W);
        Assert.Equal(x0[3] + a * (mu + w * m * (mc - mu)), den[3], 3e-4);
        Assert.Equal(x0[3] + a * mu, unc[3], 3e-4);
        Assert.Equal(1, d.ModelCalls);
    }

    [Fact]
    public void Lcm_mode_feeds_the_distilled_timestep_and_applies_the_boundary_condition()
    {
        // A fake whose ideal x0 is fixed: with the LCM timestep t the graph sees σ(t), so the engine's ε-estimate
        // x − σ·ε is not x0 unless σ(t) = σ. Use σ exactly at an LCM timestep to check the boundary formula.
        using var unet = Load(new FakeUnetSpec());
        using var ro = new RunOptions();
        using var d = new UnetDenoiser(unet, NoiseSchedule.Default, PredictionType.Epsilon, 1, H, W, Constant(0.1f), null, 1, ro) { LcmBoundaryCondition = true };
        int t = 20 * 30 + 19;
        double sigma = NoiseSchedule.Default.Sigmas[t];
        Assert.Equal(t, LcmBoundary.Timestep(NoiseSchedule.Default, sigma));
        var x = Enumerable.Range(0, C * H * W).Select(i => (float)Math.Cos(i) * 5).ToArray();
        var den = new float[x.Length];
        d.Denoise(x, sigma, den);
        var (cSkip, cOut) = LcmBoundary.Scalings(t);
        var x0 = FakeUnet.DefaultX0(C, H, W);
        for (int i = 0; i < x.Length; i += 17)
            Assert.Equal(cOut * x0[i] + cSkip * x[i], den[i], 2e-3);
    }

    [Fact]
    public void Cfg_scale_one_runs_the_cond_half_only()
    {
        const float a = 2f, j = 0.01f;
        using var unet = Load(new FakeUnetSpec { CondShift = a, RowShift = j, Prediction = PredictionType.VPrediction });
        using var ro = new RunOptions();
        using var d = new UnetDenoiser(unet, NoiseSchedule.Default, PredictionType.VPrediction, 2, H, W, Constant(0.3f), Constant(-0.1f), 1.0, ro);
        var x = Enumerable.Range(0, 2 * C * H * W).Select(i => (float)Math.Sin(i)).ToArray();
        var denoised = new float[x.Length];
        d.Denoise(x, 1.5, denoised);
        Assert.False(d.IsGuided);
        Assert.Equal(1, d.UnetCalls);
        var x0 = FakeUnet.DefaultX0(C, H, W);
        for (int i = 0; i < 2; i++)
            Assert.Equal(x0[5] + a * 0.3 + j * i, denoised[i * C * H * W + 5], 3e-4);
    }

    [Fact]
    public void Fixed_batch_one_runs_cond_and_uncond_as_separate_calls()
    {
        const float a = 2f, mc = 0.3f, mu = -0.1f;
        const double w = 5;
        using var unet = Load(new FakeUnetSpec { CondShift = a, Batch = 1 });
        using var ro = new RunOptions();
        using var d = new UnetDenoiser(unet, NoiseSchedule.Default, PredictionType.Epsilon, 2, H, W, Constant(mc), Constant(mu), w, ro);
        var x = new float[2 * C * H * W];
        var denoised = new float[x.Length];
        d.Denoise(x, 0.5, denoised);
        Assert.Equal(4, d.UnetCalls);
        var x0 = FakeUnet.DefaultX0(C, H, W);
        Assert.Equal(x0[0] + a * (mu + w * (mc - mu)), denoised[C * H * W], 3e-4);
    }

    [Fact]
    public void Cond_and_uncond_of_different_lengths_go_in_separate_calls()
    {
        const float a = 2f, j = 0.01f, mc = 0.3f, mu = -0.1f;
        const double w = 2;
        using var unet = Load(new FakeUnetSpec { CondShift = a, RowShift = j });
        using var ro = new RunOptions();
        using var d = new UnetDenoiser(unet, NoiseSchedule.Default, PredictionType.Epsilon, 2, H, W, Constant(mc, 154), Constant(mu, 77), w, ro);
        var x = new float[2 * C * H * W];
        var denoised = new float[x.Length];
        d.Denoise(x, 3.0, denoised);
        Assert.Equal(2, d.CallsPerStep);
        var x0 = FakeUnet.DefaultX0(C, H, W);
        for (int i = 0; i < 2; i++) // each half is its own batch, so both rows of image i have index i
            Assert.Equal(x0[1] + a * (mu + w * (mc - mu)) + j * i, denoised[i * C * H * W + 1], 3e-4);
    }

    [Fact]
    public void A_step_allocates_no_managed_buffers()
    {
        using var unet = Load(new FakeUnetSpec { Height = 32, Width = 32 });
        using var ro = new RunOptions();
        using var d = new UnetDenoiser(unet, NoiseSchedule.Default, PredictionType.Epsilon, 2, 32, 32, Constant(0.1f), Constant(0.2f), 7, ro);
        var x = new float[2 * C * 32 * 32]; // 32 KiB: any per-step copy of the latent would show
        var denoised = new float[x.Length];
        d.Denoise(x, 5, denoised);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) d.Denoise(x, 5 - i * 0.3, denoised);
        long perStep = (GC.GetAllocatedBytesForCurrentThread() - before) / 10;
        Assert.True(perStep < 2048, $"{perStep} bytes allocated per step");
    }

    [Fact]
    public void Terminating_the_run_options_stops_a_running_unet_call()
    {
        using var unet = Load(new FakeUnetSpec { Slow = true });
        using var ro = new RunOptions();
        using var cts = new CancellationTokenSource();
        using var reg = cts.Token.Register(() => ro.Terminate = true);
        using var d = new UnetDenoiser(unet, NoiseSchedule.Default, PredictionType.Epsilon, 1, H, W, Constant(0.1f), null, 1, ro, cts.Token);
        var x = new float[C * H * W];
        cts.CancelAfter(300);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        Assert.Throws<OperationCanceledException>(() => d.Denoise(x, 1, new float[x.Length]));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), $"took {sw.Elapsed}");
    }
}
