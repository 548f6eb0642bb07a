using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using WebUI.Diffusion.Imaging;
using WebUI.Diffusion.Models;
using WebUI.Diffusion.Sampling;
using WebUI.Diffusion.Sampling.Rng;

namespace WebUI.Diffusion.Pipelines;

/// <summary>
/// One txt2img or img2img request on a loaded model, A1111's processing loop: seeds, conditioning, then per batch:
/// initial noise, sampling, VAE decode one image at a time, PNG with infotext.
/// </summary>
internal sealed class GenerationJob(DiffusionModel model, GenerationRequest request, IImageOutput images,
    Action<GenerationProgress>? progress, CancellationToken ct)
{
    double _textSeconds, _vaeSeconds;

    public double TextEncoderSeconds => _textSeconds;
    public double VaeSeconds => _vaeSeconds;
    public double UnetSeconds { get; private set; }
    public int UnetCalls { get; private set; }

    public GenerationResult Run(Random random)
    {
        ct.ThrowIfCancellationRequested();
        var unet = model.Unet;
        int channels = unet.LatentChannels, h = request.Height / 8, w = request.Width / 8, batch = request.BatchSize;
        if (unet.FixedLatentHeight is { } fh && fh != h || unet.FixedLatentWidth is { } fw && fw != w)
            throw new ArgumentException($"This UNet export only accepts {(unet.FixedLatentWidth ?? w) * 8}x{(unet.FixedLatentHeight ?? h) * 8} images; got {request.Width}x{request.Height}.");

        using var runOptions = new RunOptions();
        using var registration = ct.Register(() => runOptions.Terminate = true);
        try { return RunCore(runOptions, random, channels, h, w, batch); }
        catch (OnnxRuntimeException) when (ct.IsCancellationRequested) { throw new OperationCanceledException(ct); }
        catch (OnnxRuntimeException e) when (request.Width % 64 != 0 || request.Height % 64 != 0)
        {
            // Exported UNets bake in ×2 upsampling, so latent sides that do not halve evenly three times break the skip concatenations.
            throw new ArgumentException($"The model failed at {request.Width}x{request.Height}; this export probably needs a width and height that are multiples of 64. ({e.Message})", e);
        }
    }

    GenerationResult RunCore(RunOptions runOptions, Random random, int channels, int h, int w, int batch)
    {
        var (seeds, subseeds) = SeedPlan.ForJob(request, random);
        var options = RequestValidator.Options(request);
        var conditioning = BuildConditioning(runOptions, options);
        float[]? initLatent = request.IsImg2Img ? EncodeInitImage(runOptions, channels, h, w) : null;

        int perImage = channels * h * w;
        var results = new List<GeneratedImage>(seeds.Length);
        using var denoiser = new UnetDenoiser(model.Unet, model.Schedule, model.Prediction, batch, h, w, conditioning,
            request.CfgScale, runOptions, ct, request.PadConds);
        try
        {
            for (int n = 0; n < request.BatchCount; n++)
            {
                ct.ThrowIfCancellationRequested();
                var noise = new ImageNoise(request.RngSource, seeds.AsSpan(n * batch, batch).ToArray(), channels, h, w,
                    subseeds.AsSpan(n * batch, batch).ToArray(), request.SubseedStrength, request.SeedResizeFromWidth, request.SeedResizeFromHeight);
                var plan = SamplerCatalog.Plan(request.Sampler, request.Scheduler, request.Steps, model.Schedule, options);
                denoiser.LcmBoundaryCondition = plan.Info.Kind == SamplerKind.Lcm;
                denoiser.StartSampling();
                double[] sigmas = initLatent is null ? plan.Sigmas : Img2ImgSigmas(plan.Sigmas, request.Steps, request.DenoisingStrength);

                // txt2img: x = n·(σ₀ for k-diffusion, √(1+σ₀²) for the VP-space timestep samplers); img2img: x = x0 + n·σ'₀.
                var x = new float[batch * perImage];
                noise.First(x);
                float s0 = (float)(initLatent is null ? plan.InitialNoiseScale : sigmas[0]);
                for (int i = 0; i < x.Length; i++) x[i] = x[i] * s0 + (initLatent is null ? 0f : initLatent[i % perImage]);

                int batchIndex = n, steps = sigmas.Length - 1;
                var context = new SamplingContext
                {
                    Model = denoiser,
                    Noise = noise,
                    Sigmas = sigmas,
                    Schedule = model.Schedule,
                    Options = options,
                    CancellationToken = ct,
                    Callback = progress is null ? null : step => progress(new GenerationProgress(
                        batchIndex, request.BatchCount, step.Step, steps, step.X, channels, h, w)),
                };
                plan.Sampler.Sample(x, context);
                ct.ThrowIfCancellationRequested();
                ThrowOnNaN(x, "UNet");

                for (int i = 0; i < batch; i++)
                {
                    int index = n * batch + i;
                    var rgb = Decode(x.AsSpan(i * perImage, perImage), channels, h, w, runOptions);
                    var facts = new ImageFacts(seeds[index], subseeds[index], Path.GetFileName(model.Folder.Path), model.Info.Hash,
                        plan.SamplerName, plan.SchedulerLabel, request.RngSource, InfotextExtras(conditioning, plan, denoiser));
                    results.Add(images.Finish(rgb, request.Width, request.Height, request, facts));
                }
            }
        }
        finally
        {
            UnetSeconds = denoiser.UnetSeconds;
            UnetCalls = denoiser.UnetCalls;
        }
        return new GenerationResult(results, request with { Seed = seeds[0], Subseed = subseeds[0] }) { Warnings = conditioning.Warnings };
    }

    /// <summary>
    /// Encodes the prompts for the sampler's model calls: A1111 schedules prompt editing over steps × 2 for
    /// second-order samplers (they call the model twice per step).
    /// </summary>
    ConditioningSchedule BuildConditioning(RunOptions runOptions, SamplerOptions options)
    {
        var info = SamplerCatalog.Plan(request.Sampler, request.Scheduler, request.Steps, model.Schedule, options).Info;
        int calls = info.SecondOrder ? request.Steps * 2 : request.Steps;
        var o = new ConditioningOptions(request.Prompt, request.NegativePrompt, calls, request.Width, request.Height,
            Text.Emphasis.Parse(request.Emphasis), request.ClipSkip, request.PadConds);
        return model.Conditioner.Build(o, runOptions, ref _textSeconds);
    }

    /// <summary>A1111's extra_generation_params order: conditioning (TI hashes, Emphasis), sampler, then "Pad conds".</summary>
    static List<KeyValuePair<string, object?>> InfotextExtras(ConditioningSchedule conditioning, SamplingPlan plan, UnetDenoiser denoiser)
    {
        var extras = new List<KeyValuePair<string, object?>>(conditioning.InfotextExtras);
        extras.AddRange(plan.ExtraGenerationParams);
        if (denoiser.PaddedCondUncond) extras.Add(new("Pad conds", true));
        return extras;
    }

    /// <summary>
    /// A1111's img2img step rule (setup_img2img_steps): t_enc = ⌊min(s, 0.999)·N⌋ and sampling runs the last
    /// t_enc + 1 steps of the N-step schedule, σ' = σ[N − t_enc − 1 :].
    /// </summary>
    internal static double[] Img2ImgSigmas(double[] sigmas, int steps, double strength)
    {
        int tEnc = (int)Math.Floor(Math.Min(strength, 0.999) * steps);
        return sigmas[(steps - tEnc - 1)..];
    }

    float[] EncodeInitImage(RunOptions runOptions, int channels, int h, int w)
    {
        var encoder = model.VaeEncoder;
        var (rgb, iw, ih) = images.LoadInitImage(request.InitImage!, request.Width, request.Height, request.ResizeMode);
        long start = Stopwatch.GetTimestamp();
        var latent = encoder.Encode(rgb, ih, iw, channels, runOptions);
        _vaeSeconds += Stopwatch.GetElapsedTime(start).TotalSeconds;
        float scale = (float)model.VaeScale;
        for (int i = 0; i < latent.Length; i++) latent[i] *= scale;
        if (ih / 8 != h || iw / 8 != w) latent = LatentImage.ResizeBilinear(latent, channels, ih / 8, iw / 8, h, w);
        return latent;
    }

    float[] Decode(ReadOnlySpan<float> latent, int channels, int h, int w, RunOptions runOptions)
    {
        var unscaled = new float[latent.Length];
        float inv = (float)(1 / model.VaeScale);
        for (int i = 0; i < latent.Length; i++) unscaled[i] = latent[i] * inv;
        long start = Stopwatch.GetTimestamp();
        var rgb = model.VaeDecoder.Decode(unscaled, channels, h, w, runOptions);
        _vaeSeconds += Stopwatch.GetElapsedTime(start).TotalSeconds;
        ThrowOnNaN(rgb, "VAE");
        return rgb;
    }

    /// <summary>
    /// A1111's NaN check: an fp16 model that overflows yields NaNs, which would otherwise become a black image.
    /// </summary>
    static void ThrowOnNaN(ReadOnlySpan<float> values, string stage)
    {
        foreach (var v in values)
            if (float.IsNaN(v))
                throw new InvalidOperationException(
                    $"A tensor with NaNs was produced in the {stage}. This usually means a float16 model overflowed; try the float32 export of this model.");
    }
}
