using WebUI.Diffusion.Imaging;
using WebUI.Diffusion.Pipelines;
using WebUI.Settings;

namespace WebUI.Components.State;

/// <summary>Which panel a form belongs to. The img2img panel's sub-tabs decide how the init image and mask are made.</summary>
public enum GenerationMode { Txt2Img, Img2Img }

/// <summary>
/// One generation panel's controls, with A1111's UI defaults. Mutable because the controls bind to it; converts to and
/// from the one <see cref="GenerationRequest"/> type, so infotext ("reuse parameters") and the queue speak the same language.
/// </summary>
public sealed class GenerationForm
{
    public GenerationForm(GenerationMode mode) => Mode = mode;

    public GenerationMode Mode { get; }

    public string Model { get; set; } = "";
    public string Prompt { get; set; } = "";
    public string NegativePrompt { get; set; } = "";
    public string Sampler { get; set; } = "DPM++ 2M";
    public string Scheduler { get; set; } = "Automatic";
    public int Steps { get; set; } = 20;
    public double CfgScale { get; set; } = 7.0;
    public int Width { get; set; } = 512;
    public int Height { get; set; } = 512;
    public long Seed { get; set; } = -1;
    public int BatchCount { get; set; } = 1;
    public int BatchSize { get; set; } = 1;

    // "Extra" seed options (A1111's seed checkbox): shown when the box is ticked; unticked means no variation/resize.
    public bool SeedExtras { get; set; }
    public long Subseed { get; set; } = -1;
    public double SubseedStrength { get; set; }
    public int SeedResizeFromWidth { get; set; }
    public int SeedResizeFromHeight { get; set; }

    // img2img
    public double DenoisingStrength { get; set; } = 0.75;
    public ResizeMode ResizeMode { get; set; } = ResizeMode.JustResize;

    // Shown with A1111's defaults but disabled until the engine's second wave accepts them (hires fix, inpaint options).
    public bool HiresFix { get; set; }
    public double HiresScale { get; set; } = 2.0;
    public int HiresSteps { get; set; }
    public double HiresDenoisingStrength { get; set; } = 0.7;
    public int MaskBlur { get; set; } = 4;
    public int MaskedContent { get; set; } = 1; // fill, original, latent noise, latent nothing
    public bool InpaintOnlyMasked { get; set; }
    public int MaskPadding { get; set; } = 32;
    public bool InpaintNotMasked { get; set; }

    /// <summary>Applies the installation's defaults (Settings tab) to a fresh form.</summary>
    public void ApplyDefaults(InterfaceSettings settings)
    {
        Sampler = settings.DefaultSampler;
        Scheduler = settings.DefaultScheduler;
        Steps = settings.DefaultSteps;
        Width = settings.DefaultWidth;
        Height = settings.DefaultHeight;
    }

    /// <summary>The request for these fields; <paramref name="initImage"/> makes it img2img.</summary>
    public GenerationRequest ToRequest(byte[]? initImage = null) => new()
    {
        Model = Model,
        Prompt = Prompt ?? "",
        NegativePrompt = NegativePrompt ?? "",
        Sampler = Sampler,
        Scheduler = Scheduler,
        Steps = Steps,
        CfgScale = CfgScale,
        Width = Width,
        Height = Height,
        Seed = Seed,
        Subseed = SeedExtras ? Subseed : -1,
        SubseedStrength = SeedExtras ? SubseedStrength : 0,
        SeedResizeFromWidth = SeedExtras ? SeedResizeFromWidth : 0,
        SeedResizeFromHeight = SeedExtras ? SeedResizeFromHeight : 0,
        BatchCount = BatchCount,
        BatchSize = BatchSize,
        InitImage = Mode == GenerationMode.Img2Img ? initImage : null,
        DenoisingStrength = DenoisingStrength,
        ResizeMode = ResizeMode,
    };

    /// <summary>Copies a request's fields into the controls (the checkpoint stays as the user chose it).</summary>
    public void Load(GenerationRequest r)
    {
        Prompt = r.Prompt;
        NegativePrompt = r.NegativePrompt;
        Sampler = r.Sampler;
        Scheduler = r.Scheduler;
        Steps = r.Steps;
        CfgScale = r.CfgScale;
        Width = r.Width;
        Height = r.Height;
        Seed = r.Seed;
        BatchCount = r.BatchCount;
        BatchSize = r.BatchSize;
        SeedExtras = r.SubseedStrength != 0 || (r.SeedResizeFromWidth > 0 && r.SeedResizeFromHeight > 0);
        Subseed = r.Subseed;
        SubseedStrength = r.SubseedStrength;
        SeedResizeFromWidth = r.SeedResizeFromWidth;
        SeedResizeFromHeight = r.SeedResizeFromHeight;
        DenoisingStrength = r.DenoisingStrength;
        ResizeMode = r.ResizeMode;
    }

    /// <summary>
    /// A1111's "read generation parameters": parses an infotext and fills every field it names (prompts, sampler and
    /// legacy combined names, steps, CFG, seed and extras, size, denoising). The checkpoint is kept, as A1111 does by
    /// default (opts.disable_weights_auto_swap). Legacy names such as "DPM++ 2M Karras" are split into sampler + schedule.
    /// </summary>
    /// <exception cref="FormatException">A numeric value in the text is not a number.</exception>
    public void LoadInfotext(string infotext)
    {
        var parsed = Infotext.Parse(infotext);
        var request = parsed.ApplyTo(ToRequest());
        Load(request with { Model = Model });
        (Sampler, Scheduler) = ResolveSampler(request.Sampler, request.Scheduler);
    }

    /// <summary>
    /// True when the text carries a parameter line (A1111's rule: at least 3 "Key: value" pairs on the last line) with
    /// one of the keys every infotext has, so a plain prompt that happens to contain colons is not mistaken for one.
    /// </summary>
    public static bool LooksLikeInfotext(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return false;
        var p = Infotext.Parse(text).Parameters;
        return p.ContainsKey("Steps") || p.ContainsKey("Sampler") || p.ContainsKey("Size-1");
    }

    static (string Sampler, string Scheduler) ResolveSampler(string sampler, string scheduler)
    {
        try
        {
            return Diffusion.Sampling.SamplerCatalog.Resolve(sampler, scheduler);
        }
        catch (KeyNotFoundException)
        {
            // Keep the unknown name: the field shows it and validation names it, rather than silently picking another.
            return (sampler, scheduler);
        }
    }
}
