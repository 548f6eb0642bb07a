namespace WebUI.Diffusion.Imaging;

/// <summary>How plain numbers reach A1111's <c>create_infotext</c>, which decides "CFG scale: 7" vs "CFG scale: 7.0".</summary>
public enum InfotextNumberStyle
{
    /// <summary>
    /// The web UI: Gradio hands integral slider values over as Python ints, so whole numbers print without a
    /// decimal point ("CFG scale: 7", the §2.4 examples) and fractions as floats ("CFG scale: 5.5").
    /// </summary>
    Ui = 0,

    /// <summary>The REST API: pydantic makes every float field a Python float, so whole numbers print as "7.0".</summary>
    Api = 1,
}

/// <summary>
/// What the engine knows after generating one image that the request alone does not say: the seeds actually used,
/// the resolved sampler/schedule labels and the checkpoint identity.
/// </summary>
public sealed record InfotextFacts
{
    /// <summary>This image's seed (after -1 was replaced and the batch offset added).</summary>
    public long Seed { get; init; }

    /// <summary>This image's variation seed; written only when the request's subseed strength is not 0.</summary>
    public long Subseed { get; init; }

    /// <summary>Checkpoint name as A1111 writes it (file or folder base name without extension).</summary>
    public string ModelName { get; init; } = "";

    /// <summary>10-hex short hash; omitted when null.</summary>
    public string? ModelHash { get; init; }

    /// <summary>Canonical sampler name ("DPM++ 2M", not an alias or legacy combined name); empty falls back to the request's.</summary>
    public string SamplerName { get; init; } = "";

    /// <summary>Schedule label written as "Schedule type" ("Karras" when Automatic resolved to it); empty omits the key.</summary>
    public string ScheduleLabel { get; init; } = "";

    /// <summary>Seed source actually used; null means the request's <c>RngSource</c>. "GPU" is never written.</summary>
    public string? RngSource { get; init; }

    /// <summary>
    /// A1111's <c>extra_generation_params</c> in insertion order (hires keys, "Clip skip", "Lora hashes", ...).
    /// A key that is also a built-in infotext key (e.g. "Denoising strength", "Clip skip") takes that key's place;
    /// a null value removes the key, exactly as in A1111's dict merge.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, object?>>? Extra { get; init; }

    /// <summary>Program version ("v1.10.1"); omitted when null.</summary>
    public string? Version { get; init; }

    /// <summary>Whether whole numbers are written as ints (UI) or floats (API); see <see cref="InfotextNumberStyle"/>.</summary>
    public InfotextNumberStyle NumberStyle { get; init; } = InfotextNumberStyle.Ui;
}
