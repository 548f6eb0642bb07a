namespace WebUI.Diffusion.Pipelines;

/// <summary>How an init image is fitted to the target size (A1111's resize_mode).</summary>
public enum ResizeMode { JustResize = 0, CropAndResize = 1, ResizeAndFill = 2, LatentUpscale = 3 }

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

    public bool IsImg2Img => InitImage is not null;
}
