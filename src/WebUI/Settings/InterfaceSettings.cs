namespace WebUI.Settings;

/// <summary>
/// What the Settings tab edits, per installation. Defaults come from the "WebUI" section of appsettings.json; the
/// values a user changed are kept in <c>&lt;data&gt;/settings.json</c> (see <see cref="InstallationSettingsStore"/>).
/// Property names are the configuration keys (WebUI:PreviewMethod ...).
/// </summary>
public sealed record InterfaceSettings
{
    /// <summary>Language for browsers that have not chosen one (their choice is a cookie).</summary>
    public string Language { get; init; } = "en";

    /// <summary>Live preview method: one of <see cref="PreviewMethods"/>.</summary>
    public string PreviewMethod { get; init; } = PreviewMethods.ApproxCheap;

    /// <summary>A1111's show_progress_every_n_steps: a preview every N sampling steps; -1 = only at the end of each batch.</summary>
    public int PreviewEveryNSteps { get; init; } = 1;

    public string DefaultSampler { get; init; } = "DPM++ 2M";
    public string DefaultScheduler { get; init; } = "Automatic";
    public int DefaultSteps { get; init; } = 20;
    public int DefaultWidth { get; init; } = 512;
    public int DefaultHeight { get; init; } = 512;

    /// <summary>Output folder, relative to the data dir or absolute. Takes effect after a restart.</summary>
    public string OutputsDir { get; init; } = "outputs";

    /// <summary>ONNX Runtime intra-op threads (0 = automatic). Takes effect after a restart.</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>"Auto", "Cpu", "Cuda" or "DirectML". Takes effect after a restart.</summary>
    public string ExecutionProvider { get; init; } = "Auto";

    /// <summary>Keys whose new value is used only by the next start (the engine and the output paths are built once).</summary>
    public static IReadOnlyList<string> RestartRequiredKeys { get; } =
        [nameof(OutputsDir), nameof(IntraOpThreads), nameof(ExecutionProvider)];
}

/// <summary>A1111's show_progress_type choices that this app offers, plus turning previews off (A1111's live_previews_enable).</summary>
public static class PreviewMethods
{
    public const string None = "None";
    /// <summary>Per-pixel linear map from latent channels to RGB (sd_vae_approx cheap_approximation).</summary>
    public const string ApproxCheap = "Approx cheap";
    /// <summary>The checkpoint's own VAE decoder: exact but as slow as the final decode.</summary>
    public const string Full = "Full";
    /// <summary>Tiny AutoEncoder decoder from models/VAE-approx (A1111 "TAESD"); approx cheap when the family has none.</summary>
    public const string Taesd = "TAESD";

    public static IReadOnlyList<string> All { get; } = [ApproxCheap, Full, Taesd, None];
}

/// <summary>Execution provider names the engine understands.</summary>
public static class ExecutionProviderNames
{
    public static IReadOnlyList<string> All { get; } = ["Auto", "Cpu", "Cuda", "DirectML"];
}
