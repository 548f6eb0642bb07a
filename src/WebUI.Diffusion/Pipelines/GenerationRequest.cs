using WebUI.Diffusion.Imaging;

namespace WebUI.Diffusion.Pipelines;

/// <summary>How an init image is fitted to the target size (A1111's resize_mode).</summary>
public enum ResizeMode { JustResize = 0, CropAndResize = 1, ResizeAndFill = 2, LatentUpscale = 3 }

/// <summary>What the masked area starts from (A1111's inpainting_fill, "Masked content").</summary>
public enum InpaintingFill { Fill = 0, Original = 1, LatentNoise = 2, LatentNothing = 3 }

/// <summary>
/// The one request type: the UI, the REST API, the CLI and the infotext all describe a generation with this record.
/// Field meanings and defaults follow A1111's UI (the API layer maps its own defaults onto it).
/// </summary>
public sealed record GenerationRequest
{
    /// <summary>Checkpoint name (folder under models/Stable-diffusion) or a path to a model folder.</summary>
    public string Model { get; init; } = "demo";
    public string Prompt { get; init; } = "";
    public string NegativePrompt { get; init; } = "";
    public int Steps { get; init; } = 20;
    /// <summary>Sampler name or alias as A1111 accepts it (old combined names like "DPM++ 2M Karras" included).</summary>
    public string Sampler { get; init; } = "DPM++ 2M";
    /// <summary>Schedule type label ("Automatic", "Karras", ...).</summary>
    public string Scheduler { get; init; } = "Automatic";
    public double CfgScale { get; init; } = 7.0;
    /// <summary>-1 means random.</summary>
    public long Seed { get; init; } = -1;
    /// <summary>Variation seed; -1 means random. Used only when <see cref="SubseedStrength"/> ≠ 0.</summary>
    public long Subseed { get; init; } = -1;
    public double SubseedStrength { get; init; }
    /// <summary>"Resize seed from" width/height; 0 disables.</summary>
    public int SeedResizeFromWidth { get; init; }
    public int SeedResizeFromHeight { get; init; }
    public int Width { get; init; } = 512;
    public int Height { get; init; } = 512;
    public int BatchSize { get; init; } = 1;
    public int BatchCount { get; init; } = 1;
    /// <summary>Seed source: "GPU" (A1111's default, produced with the NV Philox generator), "NV" or "CPU".</summary>
    public string RngSource { get; init; } = "GPU";
    /// <summary>Eta for ancestral/DDIM samplers; null means the setting's default.</summary>
    public double? Eta { get; init; }
    public double? SChurn { get; init; }
    public double? STmin { get; init; }
    public double? STmax { get; init; }
    public double? SNoise { get; init; }

    // Prompt conditioning settings (A1111 keeps these in its settings; infotext records them when not default)
    /// <summary>A1111's "Emphasis" setting: "Original" (default), "No norm", "Ignore" or "None" (infotext "Emphasis").</summary>
    public string Emphasis { get; init; } = "Original";
    /// <summary>A1111's "Clip skip": 1 uses the text encoder's last layer, 2 the one before, … up to 12 (infotext "Clip skip").</summary>
    public int ClipSkip { get; init; } = 1;
    /// <summary>A1111's "Pad prompt/negative prompt": pad the shorter with empty-prompt chunks so both run in one UNet batch (infotext "Pad conds").</summary>
    public bool PadConds { get; init; }

    // img2img
    /// <summary>Encoded init image (PNG/JPEG/WebP bytes); null for txt2img.</summary>
    public byte[]? InitImage { get; init; }
    public double DenoisingStrength { get; init; } = 0.75;
    public ResizeMode ResizeMode { get; init; } = ResizeMode.JustResize;

    /// <summary>
    /// How whole numbers print in the infotext: the UI hands A1111 ints ("CFG scale: 7"), the REST API floats ("7.0").
    /// </summary>
    public InfotextNumberStyle InfotextNumberStyle { get; init; } = InfotextNumberStyle.Ui;

    public bool IsImg2Img => InitImage is not null;

    // inpainting (img2img with a mask; a1111-reference §8.3)
    /// <summary>Encoded mask image (white = repaint; an image with transparency gives its alpha); null = plain img2img.</summary>
    public byte[]? Mask { get; init; }
    /// <summary>Gaussian mask blur in pixels along x and y (A1111 mask_blur_x / mask_blur_y; UI "Mask blur" sets both).</summary>
    public int MaskBlurX { get; init; } = 4;
    public int MaskBlurY { get; init; } = 4;
    /// <summary>"Masked content"; the UI default is "original".</summary>
    public InpaintingFill InpaintingFill { get; init; } = InpaintingFill.Original;
    /// <summary>"Inpaint area": false = "Whole picture", true = "Only masked" (crop to the mask, generate at W×H, paste back).</summary>
    public bool InpaintFullRes { get; init; }
    /// <summary>"Only masked padding, pixels".</summary>
    public int InpaintFullResPadding { get; init; } = 32;
    /// <summary>"Mask mode": false = "Inpaint masked", true = "Inpaint not masked".</summary>
    public bool InpaintingMaskInvert { get; init; }
    /// <summary>A1111's mask_round: threshold alpha masks and round the latent mask to 0/1.</summary>
    public bool MaskRound { get; init; } = true;

    // hires fix (txt2img; a1111-reference §8.4). The second pass uses DenoisingStrength.
    public bool EnableHr { get; init; }
    /// <summary>"Upscale by", used when HrResizeX and HrResizeY are both 0.</summary>
    public double HrScale { get; init; } = 2.0;
    /// <summary>"Resize width/height to"; 0 = derive from the other side or use HrScale.</summary>
    public int HrResizeX { get; init; }
    public int HrResizeY { get; init; }
    /// <summary>"Latent", "Latent (antialiased)", "Latent (bicubic)", "Latent (bicubic antialiased)", "Latent (nearest)",
    /// "Latent (nearest-exact)", "None", "Lanczos" or "Nearest".</summary>
    public string HrUpscaler { get; init; } = "Latent";
    /// <summary>Hires steps; 0 = the same as Steps.</summary>
    public int HrSecondPassSteps { get; init; }
    /// <summary>Hires sampler / schedule type; null or empty = the first pass's.</summary>
    public string? HrSampler { get; init; }
    public string? HrScheduler { get; init; }
    /// <summary>Hires prompt / negative prompt; null or empty = the first pass's.</summary>
    public string? HrPrompt { get; init; }
    public string? HrNegativePrompt { get; init; }

    // VAE
    /// <summary>Folder name under models/VAE whose vae_decoder/vae_encoder replace the model's own; null = the engine's
    /// setting (sd_vae), "Automatic" or "None" = the model's own.</summary>
    public string? Vae { get; init; }
    /// <summary>Tiled VAE decode/encode: null = automatic above the engine's size threshold, true = always, false = never.</summary>
    public bool? TiledVae { get; init; }

    public bool IsInpainting => Mask is not null;
}
