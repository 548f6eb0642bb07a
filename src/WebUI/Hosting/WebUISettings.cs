namespace WebUI.Hosting;

/// <summary>
/// The "WebUI" section of appsettings.json. Command-line flags override these values
/// (see <see cref="SettingsLoader"/>); relative directories are relative to the current directory
/// (DataDir) or to the data directory (ModelsDir, OutputsDir), as A1111's --data-dir works.
/// </summary>
public sealed class WebUISettings
{
    public const string SectionName = "WebUI";

    /// <summary>A1111's default port; when it is busy and not given explicitly, the next free one is used.</summary>
    public int Port { get; set; } = 7860;

    /// <summary>Bind 0.0.0.0 (all interfaces) instead of 127.0.0.1.</summary>
    public bool Listen { get; set; }

    public string DataDir { get; set; } = "data";
    public string ModelsDir { get; set; } = "models";
    public string OutputsDir { get; set; } = "outputs";

    /// <summary>ONNX Runtime intra-op threads; 0 lets the engine choose.</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>"Auto", "Cpu", "Cuda" or "DirectML" (the latter two need the matching build switch).</summary>
    public string ExecutionProvider { get; set; } = "Auto";

    /// <summary>A1111's "Saving images/grids" settings (section WebUI:Saving).</summary>
    public History.SavingOptions Saving { get; set; } = new();

    /// <summary>The image history: extra folders, reconcile, thumbnails (section WebUI:History).</summary>
    public History.HistoryOptions History { get; set; } = new();

    /// <summary>KeepLoaded (fast) or Sequential (text encoder, UNet and VAE loaded one at a time; lowest memory).</summary>
    public WebUI.Diffusion.Models.MemoryMode MemoryMode { get; set; }

    /// <summary>Unload the model after this many idle minutes; 0 keeps it loaded.</summary>
    public double UnloadModelAfterIdleMinutes { get; set; }

    /// <summary>A1111's sd_vae: a folder under models/VAE, or "Automatic" for the checkpoint's own VAE.</summary>
    public string SdVae { get; set; } = "Automatic";

    /// <summary>Tiled VAE decode/encode: Auto (above a size threshold), Always or Never.</summary>
    public WebUI.Diffusion.Models.VaeTilingMode VaeTiling { get; set; }

    /// <summary>Output range of TAESD preview decoders without a sidecar or metadata: "0,1" (taesd.py) or "-1,1".</summary>
    public string TaesdOutputRange { get; set; } = "0,1";

    /// <summary>A1111's --api-auth: "user:pass[,user2:pass2]" turns on HTTP basic auth for /sdapi; empty = open.</summary>
    public string? ApiAuth { get; set; }

    /// <summary>A1111's --api-server-stop: registers /sdapi/v1/server-kill, -restart and -stop.</summary>
    public bool ApiServerStop { get; set; }
}
