using System.Globalization;
using System.Text.Json;
using WebUI.Api.Json;
using WebUI.Api.Models;
using WebUI.Diffusion.Imaging;
using WebUI.Diffusion.Models;
using WebUI.Diffusion.Pipelines;
using WebUI.Diffusion.Sampling;
using WebUI.Hosting;
using WebUI.Storage;
using ResizeMode = WebUI.Diffusion.Pipelines.ResizeMode;

namespace WebUI.Api;

/// <summary>A txt2img/img2img API request turned into the engine's request, with what the response must report.</summary>
public sealed record ApiJob(GenerationRequest Request, ApiJobSettings Settings, ModelInfo Model, IReadOnlyList<string> Warnings);

/// <summary>
/// Maps A1111's API request fields onto <see cref="GenerationRequest"/> the way A1111's API populates its processing
/// object: infotext fills unset fields, override_settings are in force for the job, sampler_name falls back to
/// sampler_index ("Euler"), options supply eta / sigma / RNG defaults. Every field with no effect on this server is
/// named in <see cref="ApiJob.Warnings"/> instead of being ignored silently. Settings that shape the generation
/// (CLIP_stop_at_last_layers, sd_vae, emphasis, pad_cond_uncond) go into the request, so overrides reach the engine.
/// </summary>
public sealed partial class ProcessingMapper(IOptionsStore options, ApiModels models, WebUIPaths paths)
{
    /// <summary>Always-on scripts this server understands (A1111 built-ins), by lower-case title.</summary>
    public static readonly IReadOnlyList<string> AlwaysOnScripts = ["seed", "sampler", "refiner"];

    public ApiJob Map(ProcessingApiRequest api)
    {
        InfotextFill.Apply(api, options);
        var settings = ApiJobSettings.Create(options, api.OverrideSettings);
        var warnings = new List<string>();
        foreach (string key in settings.Ignored)
            warnings.Add($"override_settings.{key}: not a setting of this server; ignored.");
        if (!string.IsNullOrEmpty(api.ScriptName))
            throw new ApiHttpException(StatusCodes.Status422UnprocessableEntity, $"Script '{api.ScriptName}' not found");
        ApplyAlwaysOnScripts(api, warnings);

        var model = models.Current(settings[OptionKeys.Checkpoint] as string);
        var (sampler, scheduler) = ResolveSampler(api);
        var samplerInfo = SamplerCatalog.FindSampler(sampler);
        Validate(api);

        var styles = ApplyStyles(api, warnings);
        var request = new GenerationRequest
        {
            Model = model.Name,
            Prompt = styles.Prompt,
            NegativePrompt = styles.Negative,
            Steps = api.Steps ?? 50,
            Sampler = sampler,
            Scheduler = scheduler,
            CfgScale = api.CfgScale ?? 7.0,
            Seed = api.Seed ?? -1,
            Subseed = api.Subseed ?? -1,
            SubseedStrength = api.SubseedStrength ?? 0,
            SeedResizeFromWidth = api.SeedResizeFromW is > 0 && api.SeedResizeFromH is > 0 ? api.SeedResizeFromW.Value : 0,
            SeedResizeFromHeight = api.SeedResizeFromW is > 0 && api.SeedResizeFromH is > 0 ? api.SeedResizeFromH.Value : 0,
            Width = api.Width ?? 512,
            Height = api.Height ?? 512,
            BatchSize = api.BatchSize ?? 1,
            BatchCount = api.NIter ?? 1,
            RngSource = settings.Text(OptionKeys.RandnSource),
            Eta = api.Eta ?? EtaSetting(samplerInfo, settings),
            SChurn = api.SChurn ?? NonDefault(settings.Number("s_churn"), 0),
            STmin = api.STmin ?? NonDefault(settings.Number("s_tmin"), 0),
            STmax = api.STmax ?? NonDefault(settings.Number("s_tmax"), 0),
            SNoise = api.SNoise ?? NonDefault(settings.Number("s_noise"), 1),
            InfotextNumberStyle = InfotextNumberStyle.Api,
            ClipSkip = (int)settings.Integer(OptionKeys.ClipSkip),
            Emphasis = settings.Text(OptionKeys.Emphasis) is { Length: > 0 } emphasis ? emphasis : "Original",
            PadConds = settings.Flag(OptionKeys.PadCondUncond),
            Vae = ResolveVae(settings.Text(OptionKeys.Vae), warnings),
        };
        if (api is Img2ImgApiRequest img2img) request = MapImg2Img(img2img, request, warnings);
        if (api is Txt2ImgApiRequest txt2img) request = MapTxt2Img(txt2img, request, warnings);
        ReportUnsupported(api, settings, warnings);
        return new ApiJob(request, settings, model, warnings);
    }

    static double? NonDefault(double value, double defaultValue) => value == defaultValue ? null : value;

    // A1111: p.eta or the sampler family's setting (eta_ancestral for k-diffusion, eta_ddim for DDIM).
    static double? EtaSetting(SamplerInfo sampler, ApiJobSettings settings)
    {
        if (!sampler.HasEta) return null;
        double eta = settings.Number(sampler.Kind == SamplerKind.Timestep ? "eta_ddim" : "eta_ancestral");
        return eta == sampler.DefaultEta ? null : eta;
    }

    static (string Sampler, string Scheduler) ResolveSampler(ProcessingApiRequest api)
    {
        string name = !string.IsNullOrEmpty(api.SamplerName) ? api.SamplerName : api.SamplerIndex ?? "";
        try
        {
            return SamplerCatalog.Resolve(name, api.Scheduler);
        }
        catch (KeyNotFoundException e) when (e.Message.StartsWith("Scheduler", StringComparison.Ordinal))
        {
            throw new ApiHttpException(StatusCodes.Status400BadRequest, "Scheduler not found");
        }
        catch (KeyNotFoundException)
        {
            throw new ApiHttpException(StatusCodes.Status400BadRequest, "Sampler not found");
        }
    }

    // The engine's limits, reported per field in FastAPI's shape instead of as one message.
    delegate void RangeCheck(string field, double? value, double min, double max, string what);

    static void Validate(ProcessingApiRequest api)
    {
        var issues = new List<ValidationIssue>();
        void Range(string field, double? value, double min, double max, string what)
        {
            if (value is double v && !(v >= min && v <= max)) issues.Add(ValidationIssue.Field(field, $"{what} must be between {Num(min)} and {Num(max)}; got {Num(v)}"));
        }
        void Side(string field, int? value)
        {
            if (value is int v && (v < 8 || v > RequestValidator.MaxSide || v % 8 != 0))
                issues.Add(ValidationIssue.Field(field, $"{field} must be a multiple of 8 between 8 and {RequestValidator.MaxSide}; got {v}"));
        }
        Range("steps", api.Steps, 1, RequestValidator.MaxSteps, "steps");
        Range("cfg_scale", api.CfgScale, 1, RequestValidator.MaxCfgScale, "cfg_scale");
        Side("width", api.Width);
        Side("height", api.Height);
        Range("batch_size", api.BatchSize, 1, RequestValidator.MaxBatchSize, "batch_size");
        Range("n_iter", api.NIter, 1, RequestValidator.MaxBatchCount, "n_iter");
        if (api.Seed is < -1) issues.Add(ValidationIssue.Field("seed", $"seed must be -1 (random) or 0 or more; got {api.Seed}"));
        if (api.Subseed is < -1) issues.Add(ValidationIssue.Field("subseed", $"subseed must be -1 (random) or 0 or more; got {api.Subseed}"));
        Range("subseed_strength", api.SubseedStrength, 0, 1, "subseed_strength");
        foreach (var (field, value) in new[] { ("eta", api.Eta), ("s_churn", api.SChurn), ("s_tmin", api.STmin), ("s_noise", api.SNoise) })
            Range(field, value, 0, double.MaxValue, field);
        if (api.STmax is double tmax && !(tmax >= 0)) issues.Add(ValidationIssue.Field("s_tmax", $"s_tmax must be 0 or more; got {Num(tmax)}"));
        if (api is Img2ImgApiRequest i) ValidateImg2Img(i, issues, Range);
        if (api is Txt2ImgApiRequest t) ValidateTxt2Img(t, issues, Range);
        if (issues.Count > 0) throw new RequestValidationException(issues);
    }

    static string Num(double v) => v == double.MaxValue ? "∞" : PythonText.Str(v == Math.Floor(v) && Math.Abs(v) < 1e15 ? (object)(long)v : v);

    (string Prompt, string Negative) ApplyStyles(ProcessingApiRequest api, List<string> warnings)
    {
        string prompt = api.Prompt ?? "", negative = api.NegativePrompt ?? "";
        if (api.Styles is not { Count: > 0 } names) return (prompt, negative);
        var known = PromptStyles.Load(paths.DataDir);
        foreach (string name in names)
        {
            var style = known.FirstOrDefault(s => s.Name == name);
            if (style is null)
            {
                warnings.Add($"styles: style '{name}' not found in {PromptStyles.FileName}; ignored.");
                continue;
            }
            prompt = PromptStyles.Merge(style.Prompt, prompt);
            negative = PromptStyles.Merge(style.NegativePrompt, negative);
        }
        return (prompt, negative);
    }

    static void ReportUnsupported(ProcessingApiRequest api, ApiJobSettings settings, List<string> warnings)
    {
        if (api.RestoreFaces == true) warnings.Add("restore_faces: face restoration is not available on this server; ignored.");
        if (api.Tiling == true) warnings.Add("tiling: tiling is not available on this server; ignored.");
        if (!string.IsNullOrEmpty(api.RefinerCheckpoint) && api.RefinerSwitchAt is < 1)
            warnings.Add("refiner_checkpoint: the refiner is not available on this server; ignored.");
        if (api.SMinUncond is > 0) warnings.Add("s_min_uncond: negative guidance minimum sigma is not available on this server; ignored.");
        if (!string.IsNullOrEmpty(api.FirstpassImage)) warnings.Add("firstpass_image: ignored (A1111 ignores it in the API too).");
    }

    /// <summary>
    /// sd_vae for the job: "Automatic" and "None" mean the checkpoint's own VAE (this server has no VAE files beside
    /// checkpoints), a folder under models/VAE replaces it; an unknown name falls back to the checkpoint's own with a
    /// warning, as A1111 does ("Couldn't find VAE named ...; using None instead").
    /// </summary>
    string ResolveVae(string setting, List<string> warnings)
    {
        string name = setting.Trim();
        if (name.Length == 0 || name.Equals("Automatic", StringComparison.OrdinalIgnoreCase)) return "Automatic";
        if (name.Equals("None", StringComparison.OrdinalIgnoreCase)) return "None";
        var known = models.Vaes();
        if (known.FirstOrDefault(v => v.Equals(name, StringComparison.OrdinalIgnoreCase)) is { } found) return found;
        warnings.Add($"sd_vae: VAE '{name}' not found in models/VAE (available: {(known.Count == 0 ? "none" : string.Join(", ", known))}); the checkpoint's own VAE was used.");
        return "None";
    }

    // A1111's built-in always-on scripts: Seed (seed, extras on, subseed, strength, resize w, resize h),
    // Sampler (steps, sampler_name, scheduler), Refiner (enabled, checkpoint, switch_at). Unknown titles → 422.
    static void ApplyAlwaysOnScripts(ProcessingApiRequest api, List<string> warnings)
    {
        foreach (var (title, value) in api.AlwaysonScripts ?? [])
        {
            string name = title.ToLowerInvariant();
            if (!AlwaysOnScripts.Contains(name))
                throw new ApiHttpException(StatusCodes.Status422UnprocessableEntity, $"always on script {title} not found");
            var loc = new List<object> { "body", "alwayson_scripts", title, "args" };
            if (value.ValueKind != JsonValueKind.Object)
                throw new RequestValidationException(new ValidationIssue(loc.Take(3).ToList(), "value is not a valid dict", "type_error.dict"));
            bool hasArgs = value.TryGetProperty("args", out var a) && a.ValueKind != JsonValueKind.Null;
            if (hasArgs && a.ValueKind != JsonValueKind.Array)
                throw new RequestValidationException(new ValidationIssue(loc, "value is not a valid list", "type_error.list"));
            var args = hasArgs ? a.EnumerateArray().ToList() : [];
            T? Arg<T>(int index)
            {
                if (index >= args.Count) return default;
                var issues = new List<ValidationIssue>();
                if (!PydanticReader.TryConvert(args[index], typeof(T), [.. loc, index], issues, out object? v)) throw new RequestValidationException(issues);
                return (T?)v;
            }
            switch (name)
            {
                case "seed":
                    if (args.Count > 0) api.Seed = Arg<long?>(0) ?? api.Seed;
                    if (Arg<bool?>(1) == true)
                    {
                        if (Arg<double?>(3) is > 0 and var strength)
                        {
                            api.Subseed = Arg<long?>(2) ?? api.Subseed;
                            api.SubseedStrength = strength;
                        }
                        if (Arg<int?>(4) is > 0 and var w && Arg<int?>(5) is > 0 and var h)
                        {
                            api.SeedResizeFromW = w;
                            api.SeedResizeFromH = h;
                        }
                    }
                    break;
                case "sampler":
                    if (Arg<int?>(0) is int steps) api.Steps = steps;
                    if (Arg<string?>(1) is { Length: > 0 } samplerName) api.SamplerName = samplerName;
                    if (Arg<string?>(2) is { Length: > 0 } scheduler) api.Scheduler = scheduler;
                    break;
                case "refiner":
                    if (Arg<bool?>(0) == true) warnings.Add("alwayson_scripts.Refiner: the refiner is not available on this server; ignored.");
                    break;
            }
        }
    }
}

/// <summary>Setting keys the API reads.</summary>
public static class OptionKeys
{
    public const string Checkpoint = "sd_model_checkpoint", SamplesFormat = "samples_format", RandnSource = "randn_source",
        ClipSkip = "CLIP_stop_at_last_layers", Vae = "sd_vae", Emphasis = "emphasis", PadCondUncond = "pad_cond_uncond", EnablePngInfo = "enable_pnginfo", JpegQuality = "jpeg_quality",
        WebpLossless = "webp_lossless", ReturnGrid = "return_grid", GridFormat = "grid_format", GridOnlyIfMultiple = "grid_only_if_multiple",
        GridRows = "n_rows", GridPreventEmptySpots = "grid_prevent_empty_spots", GridBackgroundColor = "grid_background_color";
}
