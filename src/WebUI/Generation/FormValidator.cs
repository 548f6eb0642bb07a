using WebUI.Diffusion.Pipelines;
using WebUI.Diffusion.Sampling;

namespace WebUI.Generation;

/// <summary>
/// Field-by-field checks for the page and the CLI: the limits A1111's txt2img/img2img controls enforce (sliders: steps 1–150, CFG 1–30, sizes 64–2048 in steps of 8,
/// batch count 1–100, batch size 1–8). The page and the CLI check a request here before anything runs, so a bad value
/// is reported against its field instead of failing deep inside the engine.
/// </summary>
public static class FormValidator
{
    public const int MinSize = 64, MaxSize = 2048, SizeStep = 8;
    public const int MaxSteps = 150, MaxBatchCount = 100, MaxBatchSize = 8;
    public const double MinCfg = 1, MaxCfg = 30;

    /// <summary>Key for problems the engine finds that belong to no single field.</summary>
    public const string RequestKey = "Request";

    /// <summary>Field name (a <see cref="GenerationRequest"/> property, or <see cref="RequestKey"/>) → message. Empty when the request is fine.</summary>
    public static IReadOnlyDictionary<string, string> Validate(GenerationRequest request)
    {
        var errors = new Dictionary<string, string>();
        if (string.IsNullOrWhiteSpace(request.Model))
            errors[nameof(request.Model)] = "Choose a checkpoint.";
        if (request.Steps is < 1 or > MaxSteps)
            errors[nameof(request.Steps)] = $"Sampling steps must be between 1 and {MaxSteps}.";
        if (!double.IsFinite(request.CfgScale) || request.CfgScale < MinCfg || request.CfgScale > MaxCfg)
            errors[nameof(request.CfgScale)] = $"CFG scale must be between {MinCfg} and {MaxCfg}.";
        CheckSize(errors, nameof(request.Width), "Width", request.Width);
        CheckSize(errors, nameof(request.Height), "Height", request.Height);
        if (request.BatchCount is < 1 or > MaxBatchCount)
            errors[nameof(request.BatchCount)] = $"Batch count must be between 1 and {MaxBatchCount}.";
        if (request.BatchSize is < 1 or > MaxBatchSize)
            errors[nameof(request.BatchSize)] = $"Batch size must be between 1 and {MaxBatchSize}.";
        if (request.Seed < -1)
            errors[nameof(request.Seed)] = "Seed must be -1 (random) or a number of 0 or more.";
        if (request.IsImg2Img && (!double.IsFinite(request.DenoisingStrength) || request.DenoisingStrength is < 0 or > 1))
            errors[nameof(request.DenoisingStrength)] = "Denoising strength must be between 0 and 1.";
        if (!errors.ContainsKey(nameof(request.Steps)))
            CheckSampler(errors, request);
        if (errors.Count == 0)
            CheckWithEngine(errors, request);
        return errors;
    }

    // The engine's own validation covers what the form has no field for (RNG source, eta, sigma options...).
    static void CheckWithEngine(Dictionary<string, string> errors, GenerationRequest request)
    {
        try
        {
            RequestValidator.Validate(request);
        }
        catch (Exception e) when (e is ArgumentException or KeyNotFoundException)
        {
            errors[RequestKey] = e.Message;
        }
    }

    static void CheckSize(Dictionary<string, string> errors, string field, string label, int value)
    {
        if (value < MinSize || value > MaxSize || value % SizeStep != 0)
            errors[field] = $"{label} must be a multiple of {SizeStep} between {MinSize} and {MaxSize} (got {value}).";
    }

    // The catalog owns sampler/scheduler names and their aliases ("DPM++ 2M Karras"); ask it rather than keeping a copy.
    static void CheckSampler(Dictionary<string, string> errors, GenerationRequest request)
    {
        try
        {
            SamplerCatalog.Plan(request.Sampler, request.Scheduler, request.Steps, NoiseSchedule.Default);
        }
        catch (KeyNotFoundException e)
        {
            string field = e.Message.StartsWith("Scheduler", StringComparison.Ordinal) ? nameof(request.Scheduler) : nameof(request.Sampler);
            errors[field] = e.Message;
        }
        catch (ArgumentException e)
        {
            errors[nameof(request.Sampler)] = e.Message;
        }
    }
}
