using System.Collections.Frozen;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Localization;

namespace WebUI.Localization;

/// <summary>
/// IStringLocalizer over JSON tables embedded in the assembly (<c>Localization/Strings/&lt;culture&gt;.json</c>: a flat
/// object, English key → translation). The key is the English text; it is returned as-is for English and for any key a
/// table lacks (marked ResourceNotFound). Format arguments are formatted with the invariant culture, as A1111 writes numbers.
/// </summary>
public sealed class JsonStringLocalizer : IStringLocalizer
{
    readonly IReadOnlyDictionary<string, FrozenDictionary<string, string>> _tables;

    public JsonStringLocalizer(IReadOnlyDictionary<string, FrozenDictionary<string, string>> tables) => _tables = tables;

    /// <summary>Reads every embedded table of this assembly (resource names end in <c>.Strings.&lt;culture&gt;.json</c>).</summary>
    public static JsonStringLocalizer FromEmbeddedTables() => new(LoadEmbeddedTables());

    public static IReadOnlyDictionary<string, FrozenDictionary<string, string>> LoadEmbeddedTables()
    {
        var assembly = typeof(JsonStringLocalizer).Assembly;
        var tables = new Dictionary<string, FrozenDictionary<string, string>>(StringComparer.OrdinalIgnoreCase);
        const string marker = ".Localization.Strings.";
        foreach (string name in assembly.GetManifestResourceNames())
        {
            int at = name.IndexOf(marker, StringComparison.Ordinal);
            if (at < 0 || !name.EndsWith(".json", StringComparison.Ordinal)) continue;
            string culture = name[(at + marker.Length)..^".json".Length];
            tables[culture] = ReadTable(assembly, name);
        }
        return tables;
    }

    static FrozenDictionary<string, string> ReadTable(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded string table {resource} cannot be opened.");
        var map = JsonSerializer.Deserialize<Dictionary<string, string>>(stream)
            ?? throw new InvalidDataException($"String table {resource} is empty.");
        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The table for the current UI culture, or null for English.</summary>
    FrozenDictionary<string, string>? CurrentTable =>
        UiCultures.Current is var code && code != UiCultures.English && _tables.TryGetValue(code, out var t) ? t : null;

    public LocalizedString this[string name]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(name);
            var table = CurrentTable;
            if (table is null) return new LocalizedString(name, name, resourceNotFound: false);
            return table.TryGetValue(name, out var value)
                ? new LocalizedString(name, value, resourceNotFound: false)
                : new LocalizedString(name, name, resourceNotFound: true);
        }
    }

    public LocalizedString this[string name, params object[] arguments]
    {
        get
        {
            var format = this[name];
            string text = string.Format(CultureInfo.InvariantCulture, format.Value, arguments);
            return new LocalizedString(name, text, format.ResourceNotFound);
        }
    }

    public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures)
    {
        var table = CurrentTable;
        if (table is null) yield break;
        foreach (var (key, value) in table) yield return new LocalizedString(key, value, resourceNotFound: false);
    }
}

/// <summary>Every component gets the same table whatever type it asks for: the interface has one vocabulary.</summary>
public sealed class JsonStringLocalizerFactory : IStringLocalizerFactory
{
    readonly JsonStringLocalizer _localizer = JsonStringLocalizer.FromEmbeddedTables();

    public IStringLocalizer Create(Type resourceSource) => _localizer;
    public IStringLocalizer Create(string baseName, string location) => _localizer;
}
