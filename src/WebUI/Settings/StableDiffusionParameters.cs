using System.Globalization;
using WebUI.Diffusion.Pipelines;
using WebUI.Diffusion.Text;
using WebUI.Storage;
using EmphasisLabels = WebUI.Diffusion.Text.Emphasis;

namespace WebUI.Settings;

/// <summary>
/// A1111's Settings → "Stable Diffusion": Clip skip, Emphasis mode and "Pad prompt/negative prompt". Like
/// <see cref="SamplerParameters"/> they live in the options store under A1111's config.json keys, so the Settings tab,
/// <c>/sdapi/v1/options</c> and every UI job read the same stored value.
/// </summary>
public sealed record StableDiffusionParameters
{
    public const string ClipSkipKey = "CLIP_stop_at_last_layers", EmphasisKey = "emphasis", PadCondsKey = "pad_cond_uncond";

    /// <summary>A1111's emphasis choices, in its dropdown's order; the value stored and written to infotext.</summary>
    public static IReadOnlyList<string> EmphasisModes { get; } =
        [EmphasisLabels.Name(EmphasisMode.None), EmphasisLabels.Name(EmphasisMode.Ignore), EmphasisLabels.Name(EmphasisMode.Original), EmphasisLabels.Name(EmphasisMode.NoNorm)];

    /// <summary>1 = the text encoder's last layer (off); 2 = stop one layer earlier, and so on up to <see cref="RequestValidator.MaxClipSkip"/>.</summary>
    public int ClipSkip { get; init; } = 1;
    public string Emphasis { get; init; } = "Original";
    public bool PadConds { get; init; }

    /// <summary>The stored values; the defaults when there is no options store (a host without the API).</summary>
    public static StableDiffusionParameters From(IOptionsStore? store)
    {
        if (store is null) return new StableDiffusionParameters();
        object? Value(string key) => store.IsKnown(key) ? store.Get(key) : null;
        return new StableDiffusionParameters
        {
            ClipSkip = Value(ClipSkipKey) is { } clip ? Convert.ToInt32(clip, CultureInfo.InvariantCulture) : 1,
            Emphasis = Value(EmphasisKey) is string { Length: > 0 } emphasis ? emphasis : "Original",
            PadConds = Value(PadCondsKey) is true,
        };
    }

    /// <summary>The option values, keyed as A1111's config.json (for one <see cref="IOptionsStore.Set"/> with other sections).</summary>
    public IReadOnlyDictionary<string, object?> ToOptions() => new Dictionary<string, object?>
    {
        [ClipSkipKey] = (long)ClipSkip,
        [EmphasisKey] = Emphasis,
        [PadCondsKey] = PadConds,
    };

    /// <summary>Stores every value at once; ArgumentException naming the key when one is out of range (nothing stored).</summary>
    public void SaveTo(IOptionsStore store) => store.Set(ToOptions());

    /// <summary>
    /// The request with these values, as A1111 applies opts to every UI job (the UI form has no field of its own for
    /// them). ArgumentException for a clip skip outside 1–12 or an unknown emphasis mode, so a bad value never reaches a job.
    /// </summary>
    public GenerationRequest ApplyTo(GenerationRequest request)
    {
        if (ClipSkip < 1 || ClipSkip > RequestValidator.MaxClipSkip)
            throw new ArgumentException($"Clip skip ({ClipSkipKey}) must be between 1 and {RequestValidator.MaxClipSkip}; got {ClipSkip}.");
        var emphasis = EmphasisLabels.Name(EmphasisLabels.Parse(Emphasis)); // canonical label; lists the valid ones
        return request with { ClipSkip = ClipSkip, Emphasis = emphasis, PadConds = PadConds };
    }
}
