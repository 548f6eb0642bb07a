using System.Globalization;
using System.Text.Json;
using WebUI.Api.Json;
using WebUI.Storage;

namespace WebUI.Api;

/// <summary>
/// The settings in force for one API job: the stored options with the request's <c>override_settings</c> on top
/// (A1111 applies them to opts for the job and restores them afterwards). Keys this server does not know are kept
/// aside in <see cref="Ignored"/> so the response can say they had no effect.
/// </summary>
public sealed class ApiJobSettings
{
    readonly Dictionary<string, object?> _values;

    ApiJobSettings(Dictionary<string, object?> values, IReadOnlyDictionary<string, object?> overrides, IReadOnlyList<string> ignored)
    {
        _values = values;
        Overrides = overrides;
        Ignored = ignored;
    }

    /// <summary>The request's overrides of known settings, normalized to each setting's type.</summary>
    public IReadOnlyDictionary<string, object?> Overrides { get; }

    /// <summary>override_settings keys that are not settings of this server.</summary>
    public IReadOnlyList<string> Ignored { get; }

    public object? this[string key] => _values.TryGetValue(key, out var v) ? v : null;

    public string Text(string key) => this[key] as string ?? "";
    public long Integer(string key) => this[key] is long l ? l : Convert.ToInt64(this[key] ?? 0L, CultureInfo.InvariantCulture);
    public double Number(string key) => this[key] is double d ? d : Convert.ToDouble(this[key] ?? 0.0, CultureInfo.InvariantCulture);
    public bool Flag(string key) => this[key] is true;

    /// <summary>
    /// Stored options plus <paramref name="overrides"/>; a known key with a value of the wrong type is a 422 at
    /// body.override_settings.KEY.
    /// </summary>
    public static ApiJobSettings Create(IOptionsStore store, IReadOnlyDictionary<string, JsonElement>? overrides)
    {
        var values = store.GetAll().ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var applied = new Dictionary<string, object?>(StringComparer.Ordinal);
        var ignored = new List<string>();
        var issues = new List<ValidationIssue>();
        foreach (var (key, element) in overrides ?? new Dictionary<string, JsonElement>())
        {
            if (!store.IsKnown(key))
            {
                ignored.Add(key);
                continue;
            }
            try
            {
                object? value = store.Normalize(key, Plain(element));
                applied[key] = value;
                values[key] = value;
            }
            catch (ArgumentException e)
            {
                issues.Add(new ValidationIssue(["body", "override_settings", key], e.Message, "value_error"));
            }
        }
        if (issues.Count > 0) throw new RequestValidationException(issues);
        return new ApiJobSettings(values, applied, ignored);
    }

    /// <summary>A JSON value as the store's plain types (string, long, double, bool, null); objects and arrays as text.</summary>
    public static object? Plain(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.Number => element.TryGetInt64(out long l) ? l : element.GetDouble(),
        _ => element.GetRawText(),
    };
}
