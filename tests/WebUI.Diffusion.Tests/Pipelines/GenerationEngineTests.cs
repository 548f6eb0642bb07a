using WebUI.Diffusion.Models;
using WebUI.Diffusion.Pipelines;
using WebUI.Diffusion.Sampling;
using WebUI.Diffusion.Sampling.Rng;
using WebUI.ModelForge.Onnx;

namespace WebUI.Diffusion.Tests.Pipelines;

/// <summary>txt2img / img2img through <see cref="GenerationEngine"/> on complete fake model folders.</summary>
public sealed class GenerationEngineTests : IDisposable
{
    const int Size = 64, L = Size / 8;
    readonly TempDir _dir = new();
    readonly CapturingImageOutput _output = new();

    public void Dispose() => _dir.Dispose();

    GenerationEngine Engine() =>
        new(new EngineOptions { ModelsDir = _dir.Path, IntraOpThreads = 1 }, EngineServices.Default with { ImageOutput = _output });

    string AddModel(string name, FakeModelSpec spec) => FakeModelFolder.Build(_dir.Sub("Stable-diffusion", name), spec);

    static FakeUnetSpec Unet(PredictionType p = PredictionType.Epsilon) => new() { Prediction = p, Height = L, Width = L };

    static GenerationRequest Request(string model) => new()
    {
        Model = model, Prompt = "a red fox", NegativePrompt = "blurry", Width = Size, Height = Size,
        Steps = 6, Sampler = "Euler", Scheduler = "Karras", CfgScale = 7, Seed = 1234,
    };

    [Theory]
    [InlineData(PredictionType.Epsilon, ElementType.Float, ElementType.Int32, "weights.pb")]
    [InlineData(PredictionType.VPrediction, ElementType.Float, ElementType.Int64, "model.onnx_data")]
    [InlineData(PredictionType.Epsilon, ElementType.Float16, ElementType.Int64, null)]
    public void Txt2img_decodes_the_denoised_latent_of_every_image(PredictionType p, ElementType ft, ElementType ids, string? external)
    {
        AddModel("fake", new FakeModelSpec { Unet = Unet(p) with { Float = ft }, TextIds = ids, ExternalData = external, ScalingFactor = 0.2 });
        using var engine = Engine();
        var progress = new List<GenerationProgress>();
        var result = engine.Generate(Request("fake") with { BatchSize = 2, BatchCount = 2 }, progress.Add);

        Assert.Equal(4, result.Images.Count);
        Assert.Equal([1234L, 1235, 1236, 1237], result.Images.Select(i => i.Seed));
        Assert.Equal(1234, result.Request.Seed);
        Assert.All(result.Images, i => Assert.Equal((Size, Size), (i.Width, i.Height)));

        // The ideal denoiser returns x0 → rgb = gain·x0/scale, each latent pixel 8×8.
        var x0 = FakeUnet.DefaultX0(4, L, L);
        double tolerance = ft == ElementType.Float16 ? 3e-2 : 1e-3;
        foreach (var (rgb, _) in _output.Images)
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < Size; y += 5)
                    for (int x = 0; x < Size; x += 3)
                        Assert.Equal(FakeModelFolder.DecoderGain * x0[(c * L + y / 8) * L + x / 8] / 0.2, rgb[(c * Size + y) * Size + x], tolerance);

        Assert.Equal(2 * 6, progress.Count);
        Assert.Equal(Enumerable.Range(0, 6).Concat(Enumerable.Range(0, 6)), progress.Select(s => s.Step));
        Assert.All(progress, s => Assert.Equal((6, 2, 4, L, L, 2 * 4 * L * L), (s.Steps, s.BatchCount, s.LatentChannels, s.LatentHeight, s.LatentWidth, s.Latent.Length)));
        Assert.Equal([0, 1], progress.Select(s => s.Batch).Distinct());

        var t = result.Timings;
        Assert.Equal(2 * 6, t.UnetCalls); // one guided call per step with the dynamic batch axis
        Assert.True(t.UnetSeconds > 0 && t.VaeSeconds > 0 && t.TextEncoderSeconds > 0 && t.TotalSeconds >= t.UnetSeconds + t.VaeSeconds);
        Assert.Equal("Euler", _output.Images[0].Facts.SamplerName);
        Assert.Equal("Karras", _output.Images[0].Facts.ScheduleLabel);
        Assert.Equal(engine.ResolveModel("fake").Hash, _output.Images[0].Facts.ModelHash);
    }

    [Fact]
    public void Guidance_uses_the_prompt_and_negative_prompt_encodings()
    {
        const float a = 1.5f;
        AddModel("cfg", new FakeModelSpec { Unet = Unet() with { CondShift = a }, ScalingFactor = 1.0 });
        using var engine = Engine();
        double Mean(string text) => FakeModelFolder.EmbeddingMean(TinyTokenizer.Chunk(text), 32);
        double mc = Mean("a red fox"), mu = Mean("blurry"), w = 4;
        engine.Generate(Request("cfg") with { CfgScale = w });
        var x0 = FakeUnet.DefaultX0(4, L, L);
        double expected = FakeModelFolder.DecoderGain * (x0[0] + a * (mu + w * (mc - mu)));
        Assert.Equal(expected, _output.Images[0].Rgb[0], 1e-3);
        Assert.NotEqual(FakeModelFolder.DecoderGain * (x0[0] + a * mc), _output.Images[0].Rgb[0], 1e-3);
    }

    [Fact]
    public void The_clip_tokenizer_of_the_model_folder_conditions_the_unet()
    {
        const float a = 1.5f;
        AddModel("clip", new FakeModelSpec { Unet = Unet() with { CondShift = a }, ScalingFactor = 1.0, ClipTokenizerFiles = true });
        using var engine = new GenerationEngine(new EngineOptions { ModelsDir = _dir.Path, IntraOpThreads = 1 },
            EngineServices.Default with { ImageOutput = _output });
        Assert.Equal([320, 1125, 539, 320, 2368], engine.Tokenize("clip", "a photo of a cat"));

        double Mean(int[] content) => FakeModelFolder.EmbeddingMean(
            new[] { 49406 }.Concat(content).Append(49407).Concat(Enumerable.Repeat(49407, 75 - content.Length)), 32);
        double mc = Mean([320, 3424]), mu = Mean([]), w = 3;
        engine.Generate(Request("clip") with { Prompt = "a sunset", NegativePrompt = "", CfgScale = w });
        var x0 = FakeUnet.DefaultX0(4, L, L);
        Assert.Equal(FakeModelFolder.DecoderGain * (x0[0] + a * (mu + w * (mc - mu))), _output.Images[0].Rgb[0], 1e-3);
    }

    [Fact]
    public void An_unreadable_tokenizer_is_reported_as_a_model_folder_problem()
    {
        AddModel("badtok", new FakeModelSpec { Unet = Unet(), BrokenTokenizer = true });
        using var engine = new GenerationEngine(new EngineOptions { ModelsDir = _dir.Path, IntraOpThreads = 1 },
            EngineServices.Default with { ImageOutput = _output });
        var e = Assert.Throws<ModelFolderException>(() => engine.Generate(Request("badtok")));
        Assert.StartsWith("tokenizer: could not be read (", e.Message);
    }

    [Fact]
    public void Variation_seed_keeps_the_seed_and_counts_up_the_subseed()
    {
        AddModel("m", new FakeModelSpec { Unet = Unet() });
        using var engine = Engine();
        var r = engine.Generate(Request("m") with { Seed = 10, Subseed = 50, SubseedStrength = 0.5, BatchSize = 3, Steps = 1 });
        Assert.Equal([10L, 10, 10], r.Images.Select(i => i.Seed));
        Assert.Equal([50L, 51, 52], r.Images.Select(i => i.Subseed));
    }

    public static TheoryData<string> AllSamplers => new(SamplerCatalog.Names);

    [Theory]
    [MemberData(nameof(AllSamplers))]
    public void Every_sampler_reaches_the_ideal_denoisers_x0_through_the_engine(string sampler)
    {
        // Covers the sampler kinds' wiring: k-diffusion, timestep samplers (unit VP noise), CFG++ (IGuidedDenoiser), LCM.
        AddModel("m", new FakeModelSpec { Unet = Unet(), ScalingFactor = 1 });
        using var engine = Engine();
        var r = engine.Generate(Request("m") with { Sampler = sampler, Steps = 8 });
        var x0 = FakeUnet.DefaultX0(4, L, L);
        var rgb = _output.Images.Single().Rgb;
        // DDIM/PLMS-style samplers end at ᾱ₀ < 1, leaving ≈ σ_min·noise (diffusion-reference §8.8).
        for (int p = 0; p < L * L; p++)
            Assert.Equal(FakeModelFolder.DecoderGain * x0[p], rgb[p / L * 8 * Size + p % L * 8], 0.1);
        Assert.Equal(sampler, _output.Images[0].Facts.SamplerName);
        Assert.True(r.Timings.UnetCalls >= 1);
    }

    [Theory]
    [InlineData(0.0, 0, 0)]
    [InlineData(0.3, 0, 0)]
    [InlineData(0.0, 48, 32)]
    public void Initial_noise_honours_variation_seed_and_seed_resize(double strength, int resizeW, int resizeH)
    {
        // One Euler step with the Gaussian denoiser maps x = n·σ₀ to D = x·s²/(s²+σ₀²): the noise can be read back.
        const double s = 0.5;
        AddModel("g", new FakeModelSpec { Unet = Unet() with { GaussianS = s }, ScalingFactor = 1 });
        using var engine = Engine();
        var request = Request("g") with { Steps = 1, Seed = 5, Subseed = 9, SubseedStrength = strength, SeedResizeFromWidth = resizeW, SeedResizeFromHeight = resizeH, BatchSize = 2 };
        engine.Generate(request);
        var plan = SamplerCatalog.Plan("Euler", "Karras", 1, NoiseSchedule.Default);
        double s0 = plan.Sigmas[0], gain = s0 * s * s / (s * s + s0 * s0);
        var expected = new float[2 * 4 * L * L];
        long[] seeds = strength != 0 ? [5, 5] : [5, 6];
        new ImageNoise("GPU", seeds, 4, L, L, [9, 10], strength, resizeW, resizeH).First(expected);
        for (int i = 0; i < 2; i++)
            for (int p = 0; p < L * L; p++)
                Assert.Equal(FakeModelFolder.DecoderGain * expected[i * 4 * L * L + p] * gain, _output.Images[i].Rgb[p / L * 8 * Size + p % L * 8], 1e-3);
    }

    [Fact]
    public void Seed_minus_one_draws_a_random_seed_in_A1111_range()
    {
        AddModel("m", new FakeModelSpec { Unet = Unet() });
        using var engine = Engine();
        var r = engine.Generate(Request("m") with { Seed = -1, Steps = 1, BatchSize = 2 });
        long s = r.Images[0].Seed;
        Assert.InRange(s, 0, SeedPlan.RandomSeedLimit - 1);
        Assert.Equal(s + 1, r.Images[1].Seed);
        Assert.Equal(s, r.Request.Seed);
        Assert.NotEqual(-1, r.Request.Subseed);
    }

    [Fact]
    public void Cfg_scale_one_runs_one_unet_call_per_step_even_with_a_fixed_batch_of_one()
    {
        AddModel("fixed", new FakeModelSpec { Unet = Unet() with { Batch = 1 } });
        using var engine = Engine();
        Assert.Equal(2 * 5, engine.Generate(Request("fixed") with { Steps = 5 }).Timings.UnetCalls);
        Assert.Equal(5, engine.Generate(Request("fixed") with { Steps = 5, CfgScale = 1 }).Timings.UnetCalls);
    }

    [Theory]
    [InlineData(FakeVaeEncoder.Parameters)]
    [InlineData(FakeVaeEncoder.Sample)]
    public void Img2img_encodes_the_init_image_and_runs_the_A1111_step_tail(FakeVaeEncoder kind)
    {
        const double s = 0.5, scale = 0.3, strength = 0.5;
        const int steps = 4;
        AddModel("g", new FakeModelSpec { Unet = Unet() with { GaussianS = s }, VaeEncoder = kind, ScalingFactor = scale });
        var init = Enumerable.Range(0, 3 * Size * Size).Select(i => (float)Math.Sin(i * 0.01)).ToArray();
        _output.InitRgb = init;
        (_output.InitWidth, _output.InitHeight) = (Size, Size);
        using var engine = Engine();
        var request = Request("g") with { InitImage = [1, 2, 3], DenoisingStrength = strength, Steps = steps, Seed = 77 };
        var result = engine.Generate(request);

        // Expected: x = e0·scale + n·σ'[0], then Euler on σ' = σ[N − t_enc − 1:] with the Gaussian denoiser D = x·s²/(s²+σ²).
        var e0 = FakeModelFolder.EncodeExpected(init, Size, Size);
        var sigmas = GenerationJob.Img2ImgSigmas(SamplerCatalog.Plan("Euler", "Karras", steps, NoiseSchedule.Default).Sigmas, steps, strength);
        Assert.Equal(4, sigmas.Length); // t_enc = 2 → 3 steps
        var n = new float[4 * L * L];
        new ImageNoise("GPU", [77], 4, L, L).First(n);
        var x = new double[n.Length];
        for (int i = 0; i < x.Length; i++) x[i] = e0[i] * scale + n[i] * sigmas[0];
        for (int k = 0; k + 1 < sigmas.Length; k++)
        {
            double sg = sigmas[k], next = sigmas[k + 1];
            for (int i = 0; i < x.Length; i++) { double d = x[i] * s * s / (s * s + sg * sg); x[i] += (x[i] - d) / sg * (next - sg); }
        }
        var rgb = _output.Images.Single().Rgb;
        for (int c = 0; c < 3; c++)
            for (int p = 0; p < L * L; p++)
                Assert.Equal(FakeModelFolder.DecoderGain * x[c * L * L + p] / scale, rgb[(c * Size + p / L * 8) * Size + p % L * 8], 2e-3);
        Assert.Equal(3, result.Timings.UnetCalls);
    }

    [Fact]
    public void Img2img_latent_upscale_resizes_the_encoded_latent()
    {
        AddModel("g", new FakeModelSpec { Unet = Unet() with { GaussianS = 0.5 }, ScalingFactor = 1 });
        _output.InitRgb = new float[3 * 32 * 32];
        (_output.InitWidth, _output.InitHeight) = (32, 32);
        using var engine = Engine();
        var r = engine.Generate(Request("g") with { InitImage = [1], ResizeMode = ResizeMode.LatentUpscale, Steps = 2 });
        Assert.Equal(Size * Size * 3, _output.Images.Single().Rgb.Length);
        Assert.Single(r.Images);
    }

    [Fact]
    public void Img2img_without_a_vae_encoder_names_the_missing_file()
    {
        AddModel("noenc", new FakeModelSpec { Unet = Unet(), VaeEncoder = FakeVaeEncoder.None });
        using var engine = Engine();
        var e = Assert.Throws<ModelFolderException>(() => engine.Generate(Request("noenc") with { InitImage = [1] }));
        Assert.Equal("vae_encoder/model.onnx: missing (img2img needs the VAE encoder)", e.Message);
    }

    [Fact]
    public void Img2img_step_rule_matches_the_reference_example()
    {
        // diffusion-reference §8.4: N = 20, strength 0.75 → t_enc = 15, σ' starts at index 4 (Karras 5.7900), 16 steps.
        var full = SamplerCatalog.Plan("Euler", "Karras", 20, NoiseSchedule.Default).Sigmas;
        var tail = GenerationJob.Img2ImgSigmas(full, 20, 0.75);
        Assert.Equal(17, tail.Length);
        Assert.Equal(5.7900, tail[0], 1e-3);
        Assert.Single(GenerationJob.Img2ImgSigmas(full, 20, 0.0)[..^1]); // strength 0 still runs one step
        Assert.Equal(21, GenerationJob.Img2ImgSigmas(full, 20, 1.0).Length); // 0.999·20 → 19 → all 20 steps
    }

    [Fact]
    public void Switching_models_replaces_the_loaded_one()
    {
        AddModel("one", new FakeModelSpec { Unet = Unet() });
        AddModel("two", new FakeModelSpec { Unet = Unet(PredictionType.VPrediction) });
        using var engine = Engine();
        Assert.Null(engine.LoadedModel);
        engine.Generate(Request("one") with { Steps = 1 });
        Assert.Equal("one", engine.LoadedModel!.Name);
        engine.Generate(Request("two") with { Steps = 1 });
        Assert.Equal("two", engine.LoadedModel!.Name);
        Assert.Equal("sd1-v", engine.LoadedModel!.Family);
        engine.UnloadModel();
        Assert.Null(engine.LoadedModel);
    }

    [Fact]
    public void Cancelling_from_the_progress_callback_stops_after_that_step()
    {
        AddModel("m", new FakeModelSpec { Unet = Unet() });
        using var engine = Engine();
        using var cts = new CancellationTokenSource();
        int steps = 0;
        Assert.ThrowsAny<OperationCanceledException>(() =>
            engine.Generate(Request("m") with { Steps = 20 }, p => { if (++steps == 2) cts.Cancel(); }, cts.Token));
        Assert.Equal(2, steps);
        Assert.Empty(_output.Images);
    }

    [Fact]
    public void Cancelling_stops_a_unet_call_that_is_running()
    {
        AddModel("slow", new FakeModelSpec { Unet = Unet() with { Slow = true } });
        using var engine = Engine();
        engine.LoadModel("slow");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(400));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        Assert.ThrowsAny<OperationCanceledException>(() => engine.Generate(Request("slow"), null, cts.Token));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), $"took {sw.Elapsed}");
        Assert.Empty(_output.Images);
    }

    public static TheoryData<Func<GenerationRequest, GenerationRequest>, string> BadRequests => new()
    {
        { r => r with { Width = 100 }, "Width must be a multiple of 8" },
        { r => r with { Height = 0 }, "Height must be a multiple of 8" },
        { r => r with { Steps = 0 }, "Steps must be between 1" },
        { r => r with { CfgScale = 0.5 }, "CFG scale must be between 1" },
        { r => r with { CfgScale = double.NaN }, "CFG scale must be between 1" },
        { r => r with { BatchSize = 9 }, "Batch size must be between 1 and 8" },
        { r => r with { BatchCount = 0 }, "Batch count must be between 1" },
        { r => r with { RngSource = "TPU" }, "Unknown RNG source 'TPU'" },
        { r => r with { InitImage = [1], DenoisingStrength = 1.5 }, "Denoising strength must be between 0 and 1" },
        { r => r with { SubseedStrength = -0.1 }, "Variation strength must be between 0 and 1" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public void Bad_requests_fail_before_any_work(Func<GenerationRequest, GenerationRequest> change, string message)
    {
        using var engine = Engine();
        // The model does not exist: validation must complain first.
        var e = Assert.Throws<ArgumentException>(() => engine.Generate(change(Request("missing"))));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Unknown_sampler_and_model_are_reported_by_name()
    {
        using var engine = Engine();
        Assert.Equal("Sampler not found: Nope", Assert.Throws<KeyNotFoundException>(() => engine.Generate(Request("missing") with { Sampler = "Nope" })).Message);
        Assert.Equal("Model not found: missing", Assert.Throws<ModelNotFoundException>(() => engine.Generate(Request("missing"))).Message);
    }

    [Fact]
    public void NaNs_from_the_unet_are_reported_instead_of_a_black_image()
    {
        AddModel("nan", new FakeModelSpec { Unet = Unet() with { X0 = Enumerable.Repeat(float.NaN, 4 * L * L).ToArray() } });
        using var engine = Engine();
        var e = Assert.Throws<InvalidOperationException>(() => engine.Generate(Request("nan") with { Steps = 2 }));
        Assert.StartsWith("A tensor with NaNs was produced in the UNet.", e.Message);
        Assert.Empty(_output.Images);
    }

    [Fact]
    public void Fixed_size_exports_reject_other_sizes_clearly()
    {
        AddModel("fixed512", new FakeModelSpec { Unet = Unet() with { FixedSpatial = true } });
        using var engine = Engine();
        var e = Assert.Throws<ArgumentException>(() => engine.Generate(Request("fixed512") with { Width = 128 }));
        Assert.Equal("This UNet export only accepts 64x64 images; got 128x64.", e.Message);
    }
}
