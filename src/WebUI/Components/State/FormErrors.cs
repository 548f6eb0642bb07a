using WebUI.Diffusion.Pipelines;
using WebUI.Generation;
using WebUI.Localization;

namespace WebUI.Components.State;

/// <summary>
/// Checks a request before it is queued (the host's <see cref="FormValidator"/>: A1111's field limits, then the engine's
/// own validation) and words each field's problem in the UI's vocabulary. Problems the engine reports in its own words
/// (no field) are passed through under <see cref="FormValidator.RequestKey"/>.
/// </summary>
public static class FormErrors
{
    public static IReadOnlyDictionary<string, TextMessage> Validate(GenerationRequest r)
    {
        var raw = FormValidator.Validate(r);
        var result = new Dictionary<string, TextMessage>(raw.Count);
        foreach (var (field, message) in raw)
            result[field] = Word(field, message, r);
        if (r.SubseedStrength is < 0 or > 1 || !double.IsFinite(r.SubseedStrength))
            result[nameof(r.SubseedStrength)] = new TextMessage("Variation strength must be between 0 and 1.");
        if (r.Subseed < -1)
            result[nameof(r.Subseed)] = new TextMessage("Seed must be -1 (random) or a number of 0 or more.");
        CheckResizeSeed(result, nameof(r.SeedResizeFromWidth), r.SeedResizeFromWidth);
        CheckResizeSeed(result, nameof(r.SeedResizeFromHeight), r.SeedResizeFromHeight);
        if (r.EnableHr) CheckHires(result, r);
        if (r.IsInpainting) CheckInpainting(result, r);
        // A field problem found here outranks the engine's general one (it would name the same thing less precisely).
        if (result.Count > 1) result.Remove(FormValidator.RequestKey);
        return result;
    }

    // The UI's slider ranges (A1111's): the engine accepts a little more, but a typed value outside them is a slip.
    static void CheckHires(Dictionary<string, TextMessage> errors, GenerationRequest r)
    {
        if (!double.IsFinite(r.HrScale) || r.HrScale is < 1 or > 4)
            errors[nameof(r.HrScale)] = new TextMessage("Upscale by must be between 1 and 4.");
        if (r.HrSecondPassSteps is < 0 or > FormValidator.MaxSteps)
            errors[nameof(r.HrSecondPassSteps)] = new TextMessage("Hires steps must be between 0 (same as sampling steps) and {0}.", FormValidator.MaxSteps);
        CheckResizeTo(errors, nameof(r.HrResizeX), r.HrResizeX);
        CheckResizeTo(errors, nameof(r.HrResizeY), r.HrResizeY);
    }

    static void CheckResizeTo(Dictionary<string, TextMessage> errors, string field, int value)
    {
        if (value != 0 && (value < FormValidator.MinSize || value > FormValidator.MaxSize || value % FormValidator.SizeStep != 0))
            errors[field] = new TextMessage("Resize size must be 0 (use the scale) or a multiple of {0} between {1} and {2} (got {3}).",
                FormValidator.SizeStep, FormValidator.MinSize, FormValidator.MaxSize, value);
    }

    static void CheckInpainting(Dictionary<string, TextMessage> errors, GenerationRequest r)
    {
        if (r.MaskBlurX is < 0 or > 64)
            errors[nameof(r.MaskBlurX)] = new TextMessage("Mask blur must be between 0 and 64.");
        if (r.InpaintFullResPadding is < 0 or > 256)
            errors[nameof(r.InpaintFullResPadding)] = new TextMessage("Only masked padding must be between 0 and 256 pixels.");
    }

    static void CheckResizeSeed(Dictionary<string, TextMessage> errors, string field, int value)
    {
        if (value != 0 && (value < FormValidator.MinSize || value > FormValidator.MaxSize || value % FormValidator.SizeStep != 0))
            errors[field] = new TextMessage("Resize seed size must be 0 (off) or a multiple of {0} between {1} and {2} (got {3}).",
                FormValidator.SizeStep, FormValidator.MinSize, FormValidator.MaxSize, value);
    }

    static TextMessage Word(string field, string english, GenerationRequest r) => field switch
    {
        nameof(r.Model) => new TextMessage("Choose a checkpoint."),
        nameof(r.Steps) => new TextMessage("Sampling steps must be between 1 and {0}.", FormValidator.MaxSteps),
        nameof(r.CfgScale) => new TextMessage("CFG scale must be between {0} and {1}.", FormValidator.MinCfg, FormValidator.MaxCfg),
        nameof(r.Width) => new TextMessage("Width must be a multiple of {0} between {1} and {2} (got {3}).",
            FormValidator.SizeStep, FormValidator.MinSize, FormValidator.MaxSize, r.Width),
        nameof(r.Height) => new TextMessage("Height must be a multiple of {0} between {1} and {2} (got {3}).",
            FormValidator.SizeStep, FormValidator.MinSize, FormValidator.MaxSize, r.Height),
        nameof(r.BatchCount) => new TextMessage("Batch count must be between 1 and {0}.", FormValidator.MaxBatchCount),
        nameof(r.BatchSize) => new TextMessage("Batch size must be between 1 and {0}.", FormValidator.MaxBatchSize),
        nameof(r.Seed) => new TextMessage("Seed must be -1 (random) or a number of 0 or more."),
        nameof(r.DenoisingStrength) => new TextMessage("Denoising strength must be between 0 and 1."),
        nameof(r.Sampler) when english.StartsWith("Sampler not found", StringComparison.Ordinal) => new TextMessage("Unknown sampler \"{0}\".", r.Sampler),
        nameof(r.Scheduler) when english.StartsWith("Scheduler not found", StringComparison.Ordinal) => new TextMessage("Unknown schedule type \"{0}\".", r.Scheduler),
        _ => new TextMessage("{0}", english),
    };
}
