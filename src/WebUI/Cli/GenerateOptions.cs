using System.CommandLine;
using WebUI.Diffusion.Models;
using WebUI.Diffusion.Pipelines;

namespace WebUI.Cli;

/// <summary>
/// The inpainting, hires fix, VAE and memory flags of `webui generate` (and `--memory-mode` of `webui bench`),
/// kept apart from GenerateVerb so the verb only wires them in.
/// </summary>
sealed class GenerateOptions
{
    public Option<FileInfo?> Mask { get; } = new("--mask") { Description = "Inpainting mask (white = repaint; transparency counts as mask); needs --init-image" };
    public Option<int?> MaskBlur { get; } = new("--mask-blur") { Description = "Mask blur in pixels (default 4)" };
    public Option<string?> InpaintingFill { get; } = new("--inpainting-fill") { Description = "Masked content: fill, original (default), latent-noise or latent-nothing" };
    public Option<bool> InpaintFullRes { get; } = new("--inpaint-full-res") { Description = "Inpaint area \"Only masked\": work on the mask's surroundings at full size" };
    public Option<int?> InpaintPadding { get; } = new("--inpaint-full-res-padding") { Description = "Only-masked padding in pixels (default 32)" };
    public Option<double?> HrScale { get; } = new("--hr-scale") { Description = "Hires fix: upscale by this factor (turns the hires fix on)" };
    public Option<string?> HrUpscaler { get; } = new("--hr-upscaler") { Description = $"Hires fix upscaler: {string.Join(", ", GenerationEngine.HiresUpscalers)} (turns the hires fix on)" };
    public Option<int?> HrSteps { get; } = new("--hr-second-pass-steps") { Description = "Hires fix steps; 0 = same as --steps (turns the hires fix on)" };
    public Option<string?> Vae { get; } = new("--vae") { Description = "Separate VAE: a folder under models/VAE, or Automatic" };
    public Option<string?> MemoryMode { get; } = MemoryModeOption();
    public Option<string?> Rng { get; } = new("--rng") { Description = "Random number source for the seed noise (A1111 randn_source): gpu (default), cpu or nv" };

    public static Option<string?> MemoryModeOption() => new("--memory-mode") { Description = "keep (all parts loaded, fast) or sequential (one part at a time, least memory)" };

    public IEnumerable<Option> All => [Mask, MaskBlur, InpaintingFill, InpaintFullRes, InpaintPadding, HrScale, HrUpscaler, HrSteps, Vae, MemoryMode, Rng];

    public bool HiresRequested(ParseResult parse) =>
        parse.GetValue(HrScale) is not null || parse.GetValue(HrUpscaler) is not null || parse.GetValue(HrSteps) is not null;

    /// <summary>Applies the flags to a request built from the basic ones.</summary>
    public GenerationRequest Apply(ParseResult parse, GenerationRequest r, double? denoisingStrength)
    {
        var mask = parse.GetValue(Mask);
        if (mask is not null)
        {
            if (!r.IsImg2Img) throw new UsageException("--mask needs --init-image.");
            if (!mask.Exists) throw new FileNotFoundException($"Mask not found: {mask.FullName}");
            r = r with { Mask = File.ReadAllBytes(mask.FullName) };
        }
        else if (parse.GetValue(MaskBlur) is not null || parse.GetValue(InpaintingFill) is not null || parse.GetValue(InpaintFullRes) || parse.GetValue(InpaintPadding) is not null)
            throw new UsageException("--mask-blur, --inpainting-fill and --inpaint-full-res need --mask.");
        if (parse.GetValue(MaskBlur) is { } blur) r = r with { MaskBlurX = blur, MaskBlurY = blur };
        if (parse.GetValue(InpaintingFill) is { } fill) r = r with { InpaintingFill = ParseFill(fill) };
        if (parse.GetValue(InpaintFullRes)) r = r with { InpaintFullRes = true };
        if (parse.GetValue(InpaintPadding) is { } padding) r = r with { InpaintFullResPadding = padding };

        if (HiresRequested(parse))
        {
            if (r.IsImg2Img) throw new UsageException("The hires fix (--hr-*) is for txt2img; drop --init-image.");
            r = r with
            {
                EnableHr = true,
                HrScale = parse.GetValue(HrScale) ?? r.HrScale,
                HrUpscaler = parse.GetValue(HrUpscaler) ?? r.HrUpscaler,
                HrSecondPassSteps = parse.GetValue(HrSteps) ?? 0,
                DenoisingStrength = denoisingStrength ?? 0.7, // A1111's hires default
            };
        }
        if (parse.GetValue(Vae) is { } vae) r = r with { Vae = vae };
        if (parse.GetValue(Rng) is { } rng) r = r with { RngSource = ParseRng(rng) };
        return r;
    }

    static InpaintingFill ParseFill(string value) => value.Trim().ToLowerInvariant().Replace('_', '-').Replace(' ', '-') switch
    {
        "fill" or "0" => Diffusion.Pipelines.InpaintingFill.Fill,
        "original" or "1" => Diffusion.Pipelines.InpaintingFill.Original,
        "latent-noise" or "2" => Diffusion.Pipelines.InpaintingFill.LatentNoise,
        "latent-nothing" or "3" => Diffusion.Pipelines.InpaintingFill.LatentNothing,
        _ => throw new UsageException($"--inpainting-fill must be fill, original, latent-noise or latent-nothing; got '{value}'."),
    };

    /// <summary>gpu / cpu / nv (any case) → the engine's RngSource names (GPU, CPU, NV).</summary>
    public static string ParseRng(string value) => value.Trim().ToUpperInvariant() switch
    {
        "GPU" or "CPU" or "NV" => value.Trim().ToUpperInvariant(),
        _ => throw new UsageException($"--rng must be gpu, cpu or nv; got '{value}'."),
    };

    /// <summary>keep / sequential (also KeepLoaded / Sequential) → the engine's memory mode; null leaves the setting.</summary>
    public static MemoryMode? ParseMemoryMode(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null => null,
        "keep" or "keeploaded" or "keep-loaded" => Diffusion.Models.MemoryMode.KeepLoaded,
        "sequential" => Diffusion.Models.MemoryMode.Sequential,
        _ => throw new UsageException($"--memory-mode must be keep or sequential; got '{value}'."),
    };
}
