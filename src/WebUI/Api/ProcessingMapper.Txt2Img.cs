using WebUI.Api.Json;
using WebUI.Api.Models;
using WebUI.Diffusion.Imaging;
using WebUI.Diffusion.Pipelines;

namespace WebUI.Api;

// txt2img: the hires fix fields and the legacy firstphase size (StableDiffusionProcessingTxt2Img, a1111-reference §8.4).
public sealed partial class ProcessingMapper
{
    /// <summary>Hires denoising strength when enable_hr comes without one (A1111 would fail; its UI default is 0.7).</summary>
    public const double DefaultHiresDenoisingStrength = 0.7;

    static GenerationRequest MapTxt2Img(Txt2ImgApiRequest api, GenerationRequest request, List<string> warnings)
    {
        // __post_init__: a firstphase size replaces width/height; the hires target is then computed from it as usual.
        if (api.FirstphaseWidth is not (null or 0) || api.FirstphaseHeight is not (null or 0))
            request = request with { Width = api.FirstphaseWidth ?? 0, Height = api.FirstphaseHeight ?? 0 };
        if (api.EnableHr != true) return request;

        if (!string.IsNullOrEmpty(api.HrCheckpointName) && api.HrCheckpointName != "Use same checkpoint")
            warnings.Add("hr_checkpoint_name: a separate hires checkpoint is not available on this server; the first pass's checkpoint was used.");
        double denoising = api.DenoisingStrength ?? DefaultHiresDenoisingStrength;
        if (api.DenoisingStrength is null)
            warnings.Add($"denoising_strength: not given with enable_hr; the hires pass used {PythonText.Str(DefaultHiresDenoisingStrength)}.");
        return request with
        {
            EnableHr = true,
            DenoisingStrength = denoising,
            HrScale = api.HrScale ?? 2.0,
            HrResizeX = api.HrResizeX ?? 0,
            HrResizeY = api.HrResizeY ?? 0,
            // null stays null: the engine then uses "Latent" and, like A1111, writes no "Hires upscaler" key.
            HrUpscaler = string.IsNullOrEmpty(api.HrUpscaler) ? null! : api.HrUpscaler,
            HrSecondPassSteps = api.HrSecondPassSteps ?? 0,
            HrSampler = SameAs(api.HrSamplerName, "Use same sampler"),
            HrScheduler = SameAs(api.HrScheduler, "Use same scheduler"),
            HrPrompt = string.IsNullOrEmpty(api.HrPrompt) ? null : api.HrPrompt,
            HrNegativePrompt = string.IsNullOrEmpty(api.HrNegativePrompt) ? null : api.HrNegativePrompt,
        };
    }

    // The UI's "Use same ..." choices mean the first pass's value, as null does.
    static string? SameAs(string? value, string sameLabel) => string.IsNullOrEmpty(value) || value == sameLabel ? null : value;

    static void ValidateTxt2Img(Txt2ImgApiRequest api, List<ValidationIssue> issues, RangeCheck range)
    {
        if (api.FirstphaseWidth is not (null or 0) || api.FirstphaseHeight is not (null or 0))
            foreach (var (field, value) in new[] { ("firstphase_width", api.FirstphaseWidth), ("firstphase_height", api.FirstphaseHeight) })
                if (value is not int v || v < 8 || v > RequestValidator.MaxSide || v % 8 != 0)
                    issues.Add(ValidationIssue.Field(field, $"{field} must be a multiple of 8 between 8 and {RequestValidator.MaxSide} when a firstphase size is given; got {value?.ToString() ?? "null"}"));
        if (api.EnableHr != true) return;
        range("denoising_strength", api.DenoisingStrength, 0, 1, "denoising_strength");
        if (api.HrScale is double scale && (api.HrResizeX ?? 0) == 0 && (api.HrResizeY ?? 0) == 0 && !(scale > 0 && scale <= 8))
            issues.Add(ValidationIssue.Field("hr_scale", $"hr_scale must be above 0 and at most 8; got {PythonText.Str(scale)}"));
        range("hr_resize_x", api.HrResizeX, 0, RequestValidator.MaxSide, "hr_resize_x");
        range("hr_resize_y", api.HrResizeY, 0, RequestValidator.MaxSide, "hr_resize_y");
        range("hr_second_pass_steps", api.HrSecondPassSteps, 0, RequestValidator.MaxSteps, "hr_second_pass_steps");
    }
}
