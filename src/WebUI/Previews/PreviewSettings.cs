namespace WebUI.Previews;

/// <summary>How live previews are made (A1111 settings "Live previews": show_progress_type).</summary>
public enum PreviewMethod
{
    /// <summary>A compact 8-bit latent goes to the browser, which applies the model's latent→RGB matrix (cheap approximation).</summary>
    Approximate,
    /// <summary>The server decodes the latent with the model's real VAE and sends a JPEG (slow: one VAE run per preview).</summary>
    Full,
    /// <summary>The server decodes the latent with the Tiny AutoEncoder (models/VAE-approx/taesd*_decoder.onnx) and sends a
    /// JPEG: close to Full at a fraction of the cost. Falls back to <see cref="Approximate"/> when the model family has none.</summary>
    Taesd,
    /// <summary>No previews.</summary>
    None,
}

/// <summary>
/// Live preview settings. <see cref="EveryNSteps"/> is A1111's show_progress_every_n_steps: a preview after every Nth
/// sampler step (and always after the last step of a batch); −1 = only at the end of each batch.
/// </summary>
public sealed record PreviewSettings
{
    public const int MaxEveryNSteps = 1000;

    public PreviewMethod Method { get; init; } = PreviewMethod.Approximate;
    public int EveryNSteps { get; init; } = 1;

    /// <summary>Throws ArgumentException naming the bad value.</summary>
    public PreviewSettings Validated()
    {
        if (!Enum.IsDefined(Method)) throw new ArgumentException($"Unknown preview method {(int)Method}.");
        if (EveryNSteps != -1 && EveryNSteps is < 1 or > MaxEveryNSteps)
            throw new ArgumentException($"Preview interval must be -1 (end of each batch) or between 1 and {MaxEveryNSteps} steps (got {EveryNSteps}).");
        return this;
    }

    /// <summary>True when the preview is due after the 0-based sampler step <paramref name="step"/> of <paramref name="steps"/>.</summary>
    public bool IsDue(int step, int steps)
    {
        if (Method == PreviewMethod.None) return false;
        if (step >= steps - 1) return true;
        return EveryNSteps > 0 && (step + 1) % EveryNSteps == 0;
    }
}

/// <summary>
/// The live preview settings in force; the Settings tab binds <see cref="Current"/>, the worker reads it at every step.
/// Initial values come from appsettings ("WebUI:Previews": Method, EveryNSteps).
/// </summary>
public sealed class PreviewSettingsProvider(PreviewSettings initial)
{
    PreviewSettings _current = initial.Validated();

    public PreviewSettingsProvider() : this(new PreviewSettings()) { }

    public PreviewSettings Current
    {
        get => Volatile.Read(ref _current);
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            Volatile.Write(ref _current, value.Validated());
            Changed?.Invoke(value);
        }
    }

    public event Action<PreviewSettings>? Changed;
}
