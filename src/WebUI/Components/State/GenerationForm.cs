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

    // txt2img "Hires. fix" with A1111's UI defaults; the second pass denoises with HiresDenoisingStrength.
    public bool HiresFix { get; set; }
    public string HiresUpscaler { get; set; } = "Latent";
    public double HiresScale { get; set; } = 2.0;
    public int HiresSteps { get; set; }
    public int HiresResizeX { get; set; }
    public int HiresResizeY { get; set; }
    public double HiresDenoisingStrength { get; set; } = 0.7;

    // img2img inpainting options with A1111's UI defaults.
    public int MaskBlur { get; set; } = 4;
    public InpaintingFill MaskedContent { get; set; } = InpaintingFill.Original;
    public bool InpaintOnlyMasked { get; set; }
    public int MaskPadding { get; set; } = 32;
    public bool InpaintNotMasked { get; set; }

    /// <summary>
    /// Hires. fix's final size as A1111 computes it: W·scale × H·scale when no resize is given, else the resize size,
    /// one side 0 meaning "keep the aspect ratio" (integer division).
    /// </summary>
    public (int Width, int Height) HiresTargetSize => (HiresResizeX, HiresResizeY) switch
    {
        (0, 0) => ((int)(Width * HiresScale), (int)(Height * HiresScale)),
        (var x, 0) => (x, Width == 0 ? 0 : x * Height / Width),
        (0, var y) => (Height == 0 ? 0 : y * Width / Height, y),
        var (x, y) => (x, y),
    };

    /// <summary>Applies the installation's defaults (Settings tab) to a fresh form.</summary>
    public void ApplyDefaults(InterfaceSettings settings)
    {
        Sampler = settings.DefaultSampler;
        Scheduler = settings.DefaultScheduler;
        Steps = settings.DefaultSteps;
        Width = settings.DefaultWidth;
        Height = settings.DefaultHeight;
    }

    /// <summary>
    /// The request for these fields; <paramref name="initImage"/> makes it img2img and <paramref name="mask"/> (white =
    /// regenerate) inpainting. txt2img carries the hires fix when it is ticked.
    /// </summary>
    public GenerationRequest ToRequest(byte[]? initImage = null, byte[]? mask = null) => new()
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
        DenoisingStrength = Mode == GenerationMode.Txt2Img ? HiresDenoisingStrength : DenoisingStrength,
        ResizeMode = ResizeMode,
        Mask = Mode == GenerationMode.Img2Img && initImage is not null ? mask : null,
        MaskBlurX = MaskBlur,
        MaskBlurY = MaskBlur,
        InpaintingFill = MaskedContent,
        InpaintFullRes = InpaintOnlyMasked,
        InpaintFullResPadding = MaskPadding,
        InpaintingMaskInvert = InpaintNotMasked,
        EnableHr = Mode == GenerationMode.Txt2Img && HiresFix,
        HrUpscaler = HiresUpscaler,
        HrScale = HiresScale,
        HrSecondPassSteps = HiresSteps,
        HrResizeX = HiresResizeX,
        HrResizeY = HiresResizeY,
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
        if (Mode == GenerationMode.Txt2Img) HiresDenoisingStrength = r.DenoisingStrength;
        else DenoisingStrength = r.DenoisingStrength;
        ResizeMode = r.ResizeMode;
        HiresFix = r.EnableHr;
        HiresUpscaler = r.HrUpscaler;
        HiresScale = r.HrScale;
        HiresSteps = r.HrSecondPassSteps;
        HiresResizeX = r.HrResizeX;
        HiresResizeY = r.HrResizeY;
        MaskBlur = r.MaskBlurX;
        MaskedContent = r.InpaintingFill;
        InpaintOnlyMasked = r.InpaintFullRes;
        MaskPadding = r.InpaintFullResPadding;
        InpaintNotMasked = r.InpaintingMaskInvert;
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
        var request = ReadUiOnlyKeys(parsed.Parameters, parsed.ApplyTo(ToRequest()));
        Load(request with { Model = Model });
        (Sampler, Scheduler) = ResolveSampler(request.Sampler, request.Scheduler);
    }

    /// <summary>
    /// The keys A1111's paste fields read that the request's own <c>ApplyTo</c> leaves alone: hires fix (ticked only
    /// when "Denoising strength" and one of the hires keys are present, as A1111 decides) and the inpainting options.
    /// </summary>
    static GenerationRequest ReadUiOnlyKeys(IReadOnlyDictionary<string, string> p, GenerationRequest r)
    {
        bool hires = p.ContainsKey("Denoising strength")
                     && (p.ContainsKey("Hires upscale") || p.ContainsKey("Hires upscaler") || p.TryGetValue("Hires resize-1", out var rx) && rx != "0");
        r = r with
        {
            EnableHr = hires,
            HrScale = p.TryGetValue("Hires upscale", out var scale) ? Number(scale, "Hires upscale") : 2.0,
            HrUpscaler = p.TryGetValue("Hires upscaler", out var upscaler) ? upscaler : "Latent",
            HrSecondPassSteps = p.TryGetValue("Hires steps", out var steps) ? (int)Number(steps, "Hires steps") : 0,
            HrResizeX = p.TryGetValue("Hires resize-1", out var x) ? (int)Number(x, "Hires resize-1") : 0,
            HrResizeY = p.TryGetValue("Hires resize-2", out var y) ? (int)Number(y, "Hires resize-2") : 0,
        };
        if (p.TryGetValue("Mask blur", out var blur)) r = r with { MaskBlurX = (int)Number(blur, "Mask blur"), MaskBlurY = (int)Number(blur, "Mask blur") };
        if (p.TryGetValue("Mask mode", out var mode)) r = r with { InpaintingMaskInvert = mode == "Inpaint not masked" };
        if (p.TryGetValue("Masked content", out var content))
            r = r with
            {
                InpaintingFill = content switch
                {
                    "fill" => InpaintingFill.Fill,
                    "latent noise" => InpaintingFill.LatentNoise,
                    "latent nothing" => InpaintingFill.LatentNothing,
                    _ => InpaintingFill.Original,
                },
            };
        if (p.TryGetValue("Inpaint area", out var area)) r = r with { InpaintFullRes = area == "Only masked" };
        if (p.TryGetValue("Masked area padding", out var padding)) r = r with { InpaintFullResPadding = (int)Number(padding, "Masked area padding") };
        return r;
    }

    // A1111 reads these fields through float(), as the request's ApplyTo does.
    static double Number(string text, string key) =>
        double.TryParse(text.Trim(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            ? v
            : throw new FormatException($"Infotext value for \"{key}\" is not a number: \"{text}\".");

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
