using WebUI.Diffusion.Sampling;
using WebUI.Diffusion.Sampling.Rng;

namespace WebUI.Diffusion.Pipelines;

/// <summary>
/// Checks a request before any work starts, with messages a user can act on (the host maps ArgumentException and
/// KeyNotFoundException to 4xx responses). Limits follow A1111's UI sliders where A1111 has them.
/// </summary>
public static class RequestValidator
{
    public const int MaxSide = 8192, MaxSteps = 500, MaxBatchSize = 8, MaxBatchCount = 100;
    public const double MaxCfgScale = 100;
    public const int MaxClipSkip = 12;

    public static void Validate(GenerationRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (string.IsNullOrWhiteSpace(r.Model)) throw new ArgumentException("No model given.");
        Side(r.Width, "Width");
        Side(r.Height, "Height");
        if (r.Steps < 1 || r.Steps > MaxSteps) throw new ArgumentException($"Steps must be between 1 and {MaxSteps}; got {r.Steps}.");
        if (!double.IsFinite(r.CfgScale) || r.CfgScale < 1 || r.CfgScale > MaxCfgScale)
            throw new ArgumentException($"CFG scale must be between 1 and {MaxCfgScale}; got {r.CfgScale}.");
        if (r.BatchSize < 1 || r.BatchSize > MaxBatchSize) throw new ArgumentException($"Batch size must be between 1 and {MaxBatchSize}; got {r.BatchSize}.");
        if (r.BatchCount < 1 || r.BatchCount > MaxBatchCount) throw new ArgumentException($"Batch count must be between 1 and {MaxBatchCount}; got {r.BatchCount}.");
        if (!(r.SubseedStrength >= 0 && r.SubseedStrength <= 1)) throw new ArgumentException($"Variation strength must be between 0 and 1; got {r.SubseedStrength}.");
        if (r.SeedResizeFromWidth < 0 || r.SeedResizeFromHeight < 0) throw new ArgumentException("Resize seed from width/height must be 0 (off) or positive.");
        if (r.ClipSkip < 1 || r.ClipSkip > MaxClipSkip) throw new ArgumentException($"Clip skip must be between 1 and {MaxClipSkip}; got {r.ClipSkip}.");
        Text.Emphasis.Parse(r.Emphasis ?? throw new ArgumentException("Emphasis must not be null.")); // lists the valid modes
        NonNegative(r.Eta, "Eta");
        NonNegative(r.SChurn, "Sigma churn");
        NonNegative(r.STmin, "Sigma tmin");
        NonNegative(r.STmax, "Sigma tmax");
        NonNegative(r.SNoise, "Sigma noise");
        if (r.IsImg2Img)
        {
            if (r.InitImage!.Length == 0) throw new ArgumentException("The init image is empty.");
            if (!(r.DenoisingStrength >= 0 && r.DenoisingStrength <= 1))
                throw new ArgumentException($"Denoising strength must be between 0 and 1; got {r.DenoisingStrength}.");
            if (!Enum.IsDefined(r.ResizeMode)) throw new ArgumentException($"Unknown resize mode {(int)r.ResizeMode}; expected 0 to 3.");
        }
        if (r.IsInpainting) ValidateInpainting(r);
        if (r.EnableHr) ValidateHires(r);
        ImageNoise.Create(r.RngSource, 0); // throws ArgumentException for an unknown source
        SamplerCatalog.Plan(r.Sampler, r.Scheduler, r.Steps, NoiseSchedule.Default, Options(r)); // KeyNotFoundException for unknown names
    }

    static void ValidateInpainting(GenerationRequest r)
    {
        if (!r.IsImg2Img) throw new ArgumentException("A mask needs an init image (inpainting is img2img with a mask).");
        if (r.Mask!.Length == 0) throw new ArgumentException("The mask image is empty.");
        if (r.MaskBlurX < 0 || r.MaskBlurX > Imaging.InpaintMasks.MaxBlur || r.MaskBlurY < 0 || r.MaskBlurY > Imaging.InpaintMasks.MaxBlur)
            throw new ArgumentException($"Mask blur must be between 0 and {Imaging.InpaintMasks.MaxBlur}; got {r.MaskBlurX}x{r.MaskBlurY}.");
        if (!Enum.IsDefined(r.InpaintingFill)) throw new ArgumentException($"Unknown masked content {(int)r.InpaintingFill}; expected 0 (fill) to 3 (latent nothing).");
        if (r.InpaintFullResPadding < 0 || r.InpaintFullResPadding > MaxSide)
            throw new ArgumentException($"Only-masked padding must be between 0 and {MaxSide} pixels; got {r.InpaintFullResPadding}.");
        if (r.ResizeMode == ResizeMode.LatentUpscale)
            throw new ArgumentException("Inpainting cannot use the \"Just resize (latent upscale)\" resize mode; choose Just resize, Crop and resize or Resize and fill.");
    }

    static void ValidateHires(GenerationRequest r)
    {
        if (r.IsImg2Img) throw new ArgumentException("Hires fix applies to txt2img only (no init image).");
        if (!(r.DenoisingStrength >= 0 && r.DenoisingStrength <= 1))
            throw new ArgumentException($"Denoising strength must be between 0 and 1; got {r.DenoisingStrength}.");
        if (r.HrResizeX < 0 || r.HrResizeY < 0 || r.HrResizeX > MaxSide || r.HrResizeY > MaxSide)
            throw new ArgumentException($"Hires resize width/height must be between 0 and {MaxSide}; got {r.HrResizeX}x{r.HrResizeY}.");
        if (r.HrResizeX == 0 && r.HrResizeY == 0 && !(double.IsFinite(r.HrScale) && r.HrScale > 0 && r.HrScale <= 8))
            throw new ArgumentException($"Hires upscale must be above 0 and at most 8; got {r.HrScale}.");
        if (r.HrSecondPassSteps < 0 || r.HrSecondPassSteps > MaxSteps)
            throw new ArgumentException($"Hires steps must be between 0 (same as Steps) and {MaxSteps}; got {r.HrSecondPassSteps}.");
        HiresFix.CheckUpscaler(r.HrUpscaler);
        var t = HiresFix.TargetOf(r);
        int w = t.LatentWidth * 8, h = t.LatentHeight * 8;
        if (w < 8 || h < 8 || w > MaxSide || h > MaxSide)
            throw new ArgumentException($"The hires fix would make a {Math.Max(0, w)}x{Math.Max(0, h)} picture; each side must be between 8 and {MaxSide}.");
        SamplerCatalog.Plan(string.IsNullOrEmpty(r.HrSampler) ? r.Sampler : r.HrSampler, string.IsNullOrEmpty(r.HrScheduler) ? r.Scheduler : r.HrScheduler,
            r.Steps, NoiseSchedule.Default, Options(r));
    }

    static void Side(int v, string name)
    {
        if (v < 8 || v > MaxSide || v % 8 != 0)
            throw new ArgumentException($"{name} must be a multiple of 8 between 8 and {MaxSide}; got {v}.");
    }

    static void NonNegative(double? v, string name)
    {
        if (v is { } d && !(d >= 0)) throw new ArgumentException($"{name} must not be negative; got {d}.");
    }

    /// <summary>The request's sampler settings; unset values take k-diffusion's defaults.</summary>
    public static SamplerOptions Options(GenerationRequest r) => new()
    {
        Eta = r.Eta,
        SChurn = r.SChurn ?? 0,
        STmin = r.STmin ?? 0,
        STmax = r.STmax ?? double.PositiveInfinity,
        SNoise = r.SNoise ?? 1.0,
    };
}
