namespace WebUI.Storage;

/// <summary>
/// A1111's settings (<c>config.json</c> there): one value per key, persisted, shared by the REST API
/// (<c>/sdapi/v1/options</c>, <c>override_settings</c>) and the Settings tab. Keys and defaults are A1111's
/// (<c>sd_model_checkpoint</c>, <c>samples_format</c>, <c>outdir_txt2img_samples</c>, <c>randn_source</c>, ...).
/// Values are plain JSON-like objects: string, long, double, bool or null.
/// </summary>
public interface IOptionsStore
{
    /// <summary>Every known key with its stored value, or its default when never set, in the catalog's order.</summary>
    IReadOnlyList<KeyValuePair<string, object?>> GetAll();

    /// <summary>The stored or default value; throws KeyNotFoundException for a key the store does not know.</summary>
    object? Get(string key);

    /// <summary>True when the store knows this key.</summary>
    bool IsKnown(string key);

    /// <summary>
    /// Checks every value first (ArgumentException naming the key and what is wrong; nothing is stored then), then
    /// stores them all at once and raises <see cref="Changed"/> with the keys whose value changed.
    /// </summary>
    void Set(IReadOnlyDictionary<string, object?> values);

    /// <summary>
    /// The value <paramref name="raw"/> converted to the key's type (e.g. 2.0 → 2 for an integer setting), or an
    /// ArgumentException saying why it cannot be. Nothing is stored.
    /// </summary>
    object? Normalize(string key, object? raw);

    event Action<IReadOnlyCollection<string>>? Changed;
}
