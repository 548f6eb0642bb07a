using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using WebUI.Diffusion.Imaging;
using WebUI.Diffusion.Models;
using WebUI.Diffusion.Sampling;
using WebUI.Diffusion.Sampling.Rng;

namespace WebUI.Diffusion.Pipelines;

/// <summary>
/// One txt2img, img2img or inpainting request on a loaded model, A1111's processing loop: seeds, conditioning, the
/// init image / mask setup, then per batch: initial noise, sampling (with the inpainting blend), the hires pass, VAE
/// decode one image at a time, the inpainting overlay, PNG with infotext. Stages tell the model when a part is done
/// so the sequential memory mode can free it.
/// </summary>
internal sealed class GenerationJob(DiffusionModel model, GenerationRequest request, IImageOutput images, EngineOptions options,
    Action<GenerationProgress>? progress, CancellationToken ct, GenerationControl? control = null)
{
    double _textSeconds;
    VaeCodec? _vae;
    readonly List<UnetDenoiser> _denoisers = [];
    // Pictures finished so far and the job's seeds: an interrupted job hands them back (GenerationInterruptedException).
    readonly List<GeneratedImage> _results = [];
    long _firstSeed, _firstSubseed;

    DiffusionModel Model => model;
    GenerationRequest Request => request;

    public double TextEncoderSeconds => _textSeconds;
    public double VaeSeconds => _vae?.Seconds ?? 0;
    public double UnetSeconds => _denoisers.Sum(d => d.UnetSeconds);
    public int UnetCalls => _denoisers.Sum(d => d.UnetCalls);

    public GenerationResult Run(Random random)
    {
        ct.ThrowIfCancellationRequested();
        var unet = model.Unet;
        int channels = unet.LatentChannels, h = request.Height / 8, w = request.Width / 8, batch = request.BatchSize;
        CheckFixedSize(h, w, request.Width, request.Height);

        using var runOptions = new RunOptions();
        using var registration = ct.Register(() => runOptions.Terminate = true);
        try { return RunCore(runOptions, random, channels, h, w, batch); }
        catch (OperationCanceledException) when (ct.IsCancellationRequested && _results.Count > 0) { throw Interrupted(); }
        catch (OnnxRuntimeException) when (ct.IsCancellationRequested) { throw _results.Count > 0 ? Interrupted() : new OperationCanceledException(ct); }
        catch (OnnxRuntimeException e) when (request.Width % 64 != 0 || request.Height % 64 != 0)
        {
            // Exported UNets bake in ×2 upsampling, so latent sides that do not halve evenly three times break the skip concatenations.
            throw new ArgumentException($"The model failed at {request.Width}x{request.Height}; this export probably needs a width and height that are multiples of 64. ({e.Message})", e);
        }
        finally
        {
            foreach (var d in _denoisers) d.Dispose();
        }
    }

    void CheckFixedSize(int h, int w, int width, int height)
    {
        var unet = model.Unet;
        if (unet.FixedLatentHeight is { } fh && fh != h || unet.FixedLatentWidth is { } fw && fw != w)
            throw new ArgumentException($"This UNet export only accepts {(unet.FixedLatentWidth ?? w) * 8}x{(unet.FixedLatentHeight ?? h) * 8} images; got {width}x{height}.");
    }

    GenerationInterruptedException Interrupted() =>
        new(new GenerationResult(_results.ToArray(), request with { Seed = _firstSeed, Subseed = _firstSubseed }), ct);

    GenerationResult RunCore(RunOptions runOptions, Random random, int channels, int h, int w, int batch)
    {
        var (seeds, subseeds) = SeedPlan.ForJob(request, random);
        (_firstSeed, _firstSubseed) = (seeds[0], subseeds[0]);
        var hires = request.EnableHr ? HiresFix.TargetOf(request) : (HiresFix.Target?)null;
        if (hires is { } target) CheckFixedSize(target.LatentHeight, target.LatentWidth, target.LatentWidth * 8, target.LatentHeight * 8);
        var samplerOptions = RequestValidator.Options(request);

        // Stage 1, text encoder: every prompt of the job (the hires pass's too).
        var conditioning = BuildConditioning(runOptions, samplerOptions);
        var hrConditioning = hires is { } ht ? BuildHiresConditioning(runOptions, samplerOptions, ht) : null;
        model.Done(ModelPart.TextEncoder);
        ct.ThrowIfCancellationRequested();

        // Stage 2, VAE encoder: init image, mask, inpainting-UNet conditioning.
        var vae = _vae = new VaeCodec(model, options, request.TiledVae, runOptions);
        var setup = InitImageSetup.Prepare(request, model, vae, images, seeds[..batch]);
        model.Done(ModelPart.VaeEncoder);

        int perImage = channels * h * w;
        var results = _results;
        var denoiser = NewDenoiser(batch, h, w, conditioning, runOptions);
        denoiser.ImageConditioning = setup.ImageConditioning;
        var hiresPass = hires is { } t
            ? new HiresPass(this, t, NewDenoiser(batch, t.LatentHeight, t.LatentWidth, hrConditioning!, runOptions), hrConditioning!)
            : null;

        for (int n = 0; n < request.BatchCount; n++)
        {
            ct.ThrowIfCancellationRequested();
            control?.BeginBatch(n);
            var batchSeeds = seeds.AsSpan(n * batch, batch).ToArray();
            var batchSubseeds = subseeds.AsSpan(n * batch, batch).ToArray();
            var noise = new ImageNoise(request.RngSource, batchSeeds, channels, h, w,
                batchSubseeds, request.SubseedStrength, request.SeedResizeFromWidth, request.SeedResizeFromHeight);
            var plan = SamplerCatalog.Plan(request.Sampler, request.Scheduler, request.Steps, model.Schedule, samplerOptions);
            denoiser.LcmBoundaryCondition = plan.Info.Kind == SamplerKind.Lcm;
            denoiser.StartSampling();
            var initLatent = setup.InitLatent;
            double[] sigmas = initLatent is null ? plan.Sigmas : Img2ImgSigmas(plan.Sigmas, request.Steps, request.DenoisingStrength);

            // txt2img: x = n·(σ₀ for k-diffusion, √(1+σ₀²) for the VP-space timestep samplers); img2img: x = x0 + n·σ'₀.
            var x = new float[batch * perImage];
            noise.First(x);
            float s0 = (float)(initLatent is null ? plan.InitialNoiseScale : sigmas[0]);
            for (int i = 0; i < x.Length; i++) x[i] = x[i] * s0 + (initLatent is null ? 0f : initLatent[i]);

            int steps = sigmas.Length - 1;
            int totalSteps = steps + (hiresPass?.Steps ?? 0);
            IDenoiser model1 = setup.NMask is { } nmask
                ? new MaskedDenoiser(denoiser, initLatent!, nmask, channels, blendBeforeDenoising: plan.Info.Kind == SamplerKind.Timestep)
                : denoiser;
            int outH = h, outW = w;
            HiresPass.Result? hiresResult = null;
            try
            {
                Sample(plan, model1, noise, sigmas, x, n, 0, totalSteps, channels, h, w);
                if (setup.NMask is { } m) MaskedDenoiser.FinalBlend(x, initLatent, m);
                ThrowOnNaN(x, "UNet");
                if (hiresPass is not null)
                {
                    hiresResult = hiresPass.Run(x, plan, batchSeeds, batchSubseeds, n, steps, totalSteps);
                    x = hiresResult.Latent;
                    (outH, outW) = (hiresPass.Target.LatentHeight, hiresPass.Target.LatentWidth);
                }
            }
            catch (BatchSkippedSignal)
            {
                // A1111 Skip: this iteration's pictures are dropped (both passes), the next one starts.
                model.Done(ModelPart.Unet);
                continue;
            }
            model.Done(ModelPart.Unet);

            for (int i = 0; i < batch; i++)
            {
                int index = n * batch + i;
                var rgb = Decode(x.AsSpan(i * channels * outH * outW, channels * outH * outW), channels, outH, outW);
                int width = outW * 8, height = outH * 8;
                if (setup.Overlay is { } overlay)
                {
                    rgb = overlay.Apply(rgb, width, height);
                    (width, height) = (overlay.Width, overlay.Height);
                }
                var facts = new ImageFacts(seeds[index], subseeds[index], Path.GetFileName(model.Folder.Path), model.Info.Hash,
                    plan.SamplerName, plan.SchedulerLabel, request.RngSource, Extras(setup, conditioning, hiresResult, plan));
                results.Add(images.Finish(rgb, width, height, request, facts));
            }
            model.Done(ModelPart.VaeDecoder);
        }
        var warnings = hrConditioning is null ? conditioning.Warnings : conditioning.Warnings.Concat(hrConditioning.Warnings).Distinct().ToList();
        return new GenerationResult(results, request with { Seed = seeds[0], Subseed = subseeds[0] }) { Warnings = warnings };
    }

    /// <summary>
    /// Encodes the prompts for the sampler's model calls: A1111 schedules prompt editing over steps × 2 for
    /// second-order samplers (they call the model twice per step).
    /// </summary>
    ConditioningSchedule BuildConditioning(RunOptions runOptions, SamplerOptions options)
    {
        var o = new ConditioningOptions(request.Prompt, request.NegativePrompt, FirstPassCalls(options), request.Width, request.Height,
            Text.Emphasis.Parse(request.Emphasis), request.ClipSkip, request.PadConds);
        return model.Conditioner.Build(o, runOptions, ref _textSeconds);
    }

    /// <summary>A1111's firstpass_steps: the first pass's model calls (steps × 2 for second-order samplers).</summary>
    int FirstPassCalls(SamplerOptions options)
    {
        var info = SamplerCatalog.Plan(request.Sampler, request.Scheduler, request.Steps, model.Schedule, options).Info;
        return info.SecondOrder ? request.Steps * 2 : request.Steps;
    }

    /// <summary>
    /// The hires pass's conditioning (A1111 calculate_hr_conds): the hires prompts (or the first pass's), scheduled
    /// over the hires sampler's model calls with the first pass's step count as the base, at the upscaled size.
    /// </summary>
    ConditioningSchedule BuildHiresConditioning(RunOptions runOptions, SamplerOptions options, HiresFix.Target target)
    {
        string sampler = string.IsNullOrEmpty(request.HrSampler) ? request.Sampler : request.HrSampler;
        string scheduler = string.IsNullOrEmpty(request.HrScheduler) ? request.Scheduler : request.HrScheduler;
        int hrSteps = request.HrSecondPassSteps > 0 ? request.HrSecondPassSteps : request.Steps;
        var info = SamplerCatalog.Plan(sampler, scheduler, hrSteps, model.Schedule, options).Info;
        var o = new ConditioningOptions(
            string.IsNullOrEmpty(request.HrPrompt) ? request.Prompt : request.HrPrompt,
            string.IsNullOrEmpty(request.HrNegativePrompt) ? request.NegativePrompt : request.HrNegativePrompt,
            FirstPassCalls(options), target.UpscaleWidth, target.UpscaleHeight, Text.Emphasis.Parse(request.Emphasis), request.ClipSkip, request.PadConds,
            HiresSteps: info.SecondOrder ? hrSteps * 2 : hrSteps);
        return model.Conditioner.Build(o, runOptions, ref _textSeconds);
    }

    UnetDenoiser NewDenoiser(int batch, int h, int w, ConditioningSchedule conditioning, RunOptions runOptions)
    {
        var d = new UnetDenoiser(model.Unet, model.Schedule, model.Prediction, batch, h, w, conditioning, request.CfgScale, runOptions, ct, request.PadConds);
        _denoisers.Add(d);
        return d;
    }

    void Sample(SamplingPlan plan, IDenoiser denoiser, INoiseSource noise, double[] sigmas, float[] x,
        int batchIndex, int stepOffset, int totalSteps, int channels, int h, int w)
    {
        var context = new SamplingContext
        {
            Model = denoiser,
            Noise = noise,
            Sigmas = sigmas,
            Schedule = model.Schedule,
            Options = RequestValidator.Options(request),
            CancellationToken = ct,
            Callback = progress is null && control is null ? null : step =>
            {
                progress?.Invoke(new GenerationProgress(batchIndex, request.BatchCount, stepOffset + step.Step, totalSteps, step.X, channels, h, w)
                {
                    Denoised = step.Denoised,
                });
                if (control is not null && control.SkipRequested(batchIndex)) throw new BatchSkippedSignal();
            },
        };
        plan.Sampler.Sample(x, context);
        ct.ThrowIfCancellationRequested();
    }

    // A1111's extra_generation_params in insertion order: init() entries (inpainting, hires), the VAE facts (built-in
    // slots), the conditioning's (TI hashes, Emphasis), what the samplers add when they start, then "Pad conds".
    List<KeyValuePair<string, object?>> Extras(InitImageSetup setup, ConditioningSchedule conditioning, HiresPass.Result? hires, SamplingPlan plan)
    {
        var list = new List<KeyValuePair<string, object?>>(setup.Extras);
        if (hires is not null) list.AddRange(hires.Extras);
        if (model.Vae is { } v)
        {
            list.Add(new("VAE hash", v.Hash));
            list.Add(new("VAE", v.Name));
        }
        var keys = new HashSet<string>(list.Select(e => e.Key), StringComparer.Ordinal);
        foreach (var e in conditioning.InfotextExtras.Concat(plan.ExtraGenerationParams).Concat(hires?.PlanExtras ?? []))
            if (keys.Add(e.Key)) list.Add(e);
        if (_denoisers.Any(d => d.PaddedCondUncond) && keys.Add("Pad conds")) list.Add(new("Pad conds", true));
        return list;
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

    float[] Decode(ReadOnlySpan<float> latent, int channels, int h, int w)
    {
        var rgb = _vae!.Decode(latent, channels, h, w);
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

    /// <summary>
    /// sample_hr_pass: the first pass's latents upscaled (latent interpolation, or decode → image upscaler → encode),
    /// cropped to the target, then img2img with fresh noise (ImageRNG of the hires shape, the same seeds) in
    /// fixed-steps mode with the hires sampler, scheduler and prompts.
    /// </summary>
    sealed class HiresPass(GenerationJob job, HiresFix.Target target, UnetDenoiser denoiser, ConditioningSchedule conditioning)
    {
        /// <summary>The second pass's latents [B, C, h₂, w₂], its infotext entries (init() order) and its sampler's own
        /// extras (added after the first pass's, keeping the first position of a repeated key).</summary>
        public sealed record Result(float[] Latent, List<KeyValuePair<string, object?>> Extras, IReadOnlyList<KeyValuePair<string, object?>> PlanExtras);

        public HiresFix.Target Target => target;

        GenerationRequest R => job.Request;
        int SecondPassSteps => R.HrSecondPassSteps > 0 ? R.HrSecondPassSteps : R.Steps;
        /// <summary>Sampler steps the second pass runs (0 when the denoising strength is 0: the upscale is kept as is).</summary>
        public int Steps => R.DenoisingStrength > 0 ? SecondPassSteps : 0;

        public Result Run(float[] x, SamplingPlan firstPlan,
            long[] seeds, long[] subseeds, int batchIndex, int firstSteps, int totalSteps)
        {
            var model = job.Model;
            int channels = model.Unet.LatentChannels, batch = R.BatchSize;
            int h = R.Height / 8, w = R.Width / 8, uh = target.UpscaleHeight / 8, uw = target.UpscaleWidth / 8;
            int h2 = target.LatentHeight, w2 = target.LatentWidth;
            var upscaled = new float[batch * channels * h2 * w2];
            string upscaler = string.IsNullOrEmpty(R.HrUpscaler) ? "Latent" : R.HrUpscaler; // A1111: None → latent_upscale_default_mode
            bool latentMode = HiresFix.LatentUpscalers.TryGetValue(upscaler, out var mode);
            if (!latentMode) model.Done(ModelPart.Unet);
            for (int i = 0; i < batch; i++)
            {
                var one = x.AsSpan(i * channels * h * w, channels * h * w);
                float[] big;
                if (latentMode) big = LatentResize.Resize(one, channels, h, w, uh, uw, mode);
                else
                {
                    var rgb = InpaintOverlay.ToInterleaved(job.Decode(one, channels, h, w), w * 8, h * 8);
                    int tw = target.UpscaleWidth, th = target.UpscaleHeight;
                    var image = HiresFix.UpscaleImage(rgb, w * 8, h * 8, tw, th, upscaler);
                    // The VAE sees whole latent pixels: a target that is not a multiple of 8 loses its last columns/rows.
                    if (tw % 8 != 0 || th % 8 != 0) image = CropRgb(image, tw, uw * 8, uh * 8);
                    big = job._vae!.Encode(InpaintOverlay.ToChw(image, uw * 8, uh * 8), uh * 8, uw * 8, channels);
                }
                HiresFix.Truncate(big, channels, uh, uw, target.TruncateY, target.TruncateX).CopyTo(upscaled, i * channels * h2 * w2);
            }
            if (!latentMode) { model.Done(ModelPart.VaeDecoder); model.Done(ModelPart.VaeEncoder); }
            if (model.Unet.IsInpainting && denoiser.ImageConditioning is null)
            {
                denoiser.ImageConditioning = InitImageSetup.FullMaskConditioning(model, job._vae!, w2 * 8, h2 * 8, batch);
                model.Done(ModelPart.VaeEncoder);
            }

            string sampler = string.IsNullOrEmpty(R.HrSampler) ? R.Sampler : R.HrSampler;
            string scheduler = string.IsNullOrEmpty(R.HrScheduler) ? R.Scheduler : R.HrScheduler;
            var options = RequestValidator.Options(R);
            var extras = new List<KeyValuePair<string, object?>> { new("Denoising strength", R.DenoisingStrength) };
            SamplingPlan? plan = null;
            if (Steps > 0)
            {
                int scheduleSteps = HiresFix.ScheduleSteps(SecondPassSteps, R.DenoisingStrength);
                plan = SamplerCatalog.Plan(sampler, scheduler, scheduleSteps, model.Schedule, options);
            }
            string hrSamplerName = plan?.SamplerName ?? SamplerCatalog.Resolve(sampler, scheduler).Sampler;
            if (!string.IsNullOrEmpty(R.HrSampler) && hrSamplerName != firstPlan.SamplerName) extras.Add(new("Hires sampler", hrSamplerName));
            if (!string.IsNullOrEmpty(R.HrPrompt) && R.HrPrompt != R.Prompt) extras.Add(new("Hires prompt", R.HrPrompt));
            if (!string.IsNullOrEmpty(R.HrNegativePrompt) && R.HrNegativePrompt != R.NegativePrompt) extras.Add(new("Hires negative prompt", R.HrNegativePrompt));
            // Written when the hires pass resolves to a concrete scheduler other than the first pass's (A1111 get_sigmas).
            if (plan is not null && plan.SchedulerLabel != "Automatic" && plan.SchedulerLabel != firstPlan.SchedulerLabel)
                extras.Add(new("Hires schedule type", plan.SchedulerLabel));
            extras.Add(target.Infotext);
            if (R.HrSecondPassSteps > 0) extras.Add(new("Hires steps", R.HrSecondPassSteps));
            if (!string.IsNullOrEmpty(R.HrUpscaler)) extras.Add(new("Hires upscaler", R.HrUpscaler));
            if (plan is null) return new Result(upscaled, extras, []);

            // Fixed-steps img2img: the last r + 1 σ of a ⌊r/d⌋-step schedule, x = x0 + n·σ'₀, noise from new generators.
            var sigmas = plan.Sigmas[^(SecondPassSteps + 1)..];
            var noise = new ImageNoise(R.RngSource, seeds, channels, h2, w2, subseeds, R.SubseedStrength, R.SeedResizeFromWidth, R.SeedResizeFromHeight);
            var x2 = new float[upscaled.Length];
            noise.First(x2);
            float s0 = (float)sigmas[0];
            for (int i = 0; i < x2.Length; i++) x2[i] = x2[i] * s0 + upscaled[i];
            denoiser.LcmBoundaryCondition = plan.Info.Kind == SamplerKind.Lcm;
            denoiser.StartSampling();
            job.Sample(plan, denoiser, noise, sigmas, x2, batchIndex, firstSteps, totalSteps, channels, h2, w2);
            ThrowOnNaN(x2, "UNet");
            return new Result(x2, extras, [.. conditioning.InfotextExtras, .. plan.ExtraGenerationParams]);
        }

        static byte[] CropRgb(byte[] rgb, int width, int w, int h)
        {
            var p = new byte[w * h * 3];
            for (int y = 0; y < h; y++) Buffer.BlockCopy(rgb, y * width * 3, p, y * w * 3, w * 3);
            return p;
        }
    }
}
