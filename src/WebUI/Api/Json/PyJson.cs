using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using WebUI.Diffusion.Imaging;

namespace WebUI.Api.Json;

/// <summary>
/// JSON text as Python's <c>json.dumps</c> writes it, so responses read like A1111's: floats always with a decimal
/// point or exponent (<c>7.0</c>, <c>1e-05</c>), key order kept. Two styles are needed: FastAPI responses
/// (<see cref="Compact"/>: separators "," ":" and non-ASCII literal) and A1111's <c>info</c> string
/// (<see cref="Spaced"/>: json.dumps defaults, ", " ": " and \uXXXX escapes).
/// Values: null, bool, string, integers, double/float, <see cref="JsonElement"/>, ordered
/// <c>IEnumerable&lt;KeyValuePair&lt;string, object?&gt;&gt;</c> (an object), any other IEnumerable (a list).
/// </summary>
public static class PyJson
{
    public static string Compact(object? value)
    {
        var sb = new StringBuilder();
        Write(sb, value, ",", ":", ensureAscii: false);
        return sb.ToString();
    }

    public static string Spaced(object? value)
    {
        var sb = new StringBuilder();
        Write(sb, value, ", ", ": ", ensureAscii: true);
        return sb.ToString();
    }

    /// <summary>The Python text of a JSON number: integers as written, anything with '.', 'e' as a Python float.</summary>
    public static string NumberText(JsonElement number)
    {
        string raw = number.GetRawText();
        if (raw.IndexOfAny(['.', 'e', 'E']) < 0) return raw;
        return PythonText.Float(number.GetDouble());
    }

    static void Write(StringBuilder sb, object? value, string itemSeparator, string keySeparator, bool ensureAscii)
    {
        switch (value)
        {
            case null:
                sb.Append("null");
                break;
            case bool b:
                sb.Append(b ? "true" : "false");
                break;
            case string s:
                PythonText.AppendJsonString(sb, s, ensureAscii);
                break;
            case double d:
                sb.Append(Float(d));
                break;
            case float f:
                sb.Append(Float(f));
                break;
            case int or long or short or byte or uint or ulong:
                sb.Append(((IFormattable)value).ToString(null, CultureInfo.InvariantCulture));
                break;
            case Enum e:
                sb.Append(Convert.ToInt64(e, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
                break;
            case JsonElement element:
                WriteElement(sb, element, itemSeparator, keySeparator, ensureAscii);
                break;
            case IEnumerable<KeyValuePair<string, object?>> map:
                WriteObject(sb, map, itemSeparator, keySeparator, ensureAscii);
                break;
            case IDictionary dictionary:
                WriteObject(sb, dictionary.Keys.Cast<object>().Select(k => new KeyValuePair<string, object?>(Convert.ToString(k, CultureInfo.InvariantCulture)!, dictionary[k])),
                    itemSeparator, keySeparator, ensureAscii);
                break;
            case IEnumerable list:
                sb.Append('[');
                bool first = true;
                foreach (object? item in list)
                {
                    if (!first) sb.Append(itemSeparator);
                    first = false;
                    Write(sb, item, itemSeparator, keySeparator, ensureAscii);
                }
                sb.Append(']');
                break;
            default:
                throw new ArgumentException($"PyJson cannot write a {value.GetType().Name}.");
        }
    }

    // Python's json refuses NaN/Infinity only with allow_nan=False (FastAPI); those never reach a response here,
    // but null keeps the document valid if one ever did.
    static string Float(double d) => double.IsFinite(d) ? PythonText.Float(d) : "null";

    static void WriteObject(StringBuilder sb, IEnumerable<KeyValuePair<string, object?>> map, string itemSeparator, string keySeparator, bool ensureAscii)
    {
        sb.Append('{');
        bool first = true;
        foreach (var (key, item) in map)
        {
            if (!first) sb.Append(itemSeparator);
            first = false;
            PythonText.AppendJsonString(sb, key, ensureAscii);
            sb.Append(keySeparator);
            Write(sb, item, itemSeparator, keySeparator, ensureAscii);
        }
        sb.Append('}');
    }

    static void WriteElement(StringBuilder sb, JsonElement e, string itemSeparator, string keySeparator, bool ensureAscii)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(sb, e.EnumerateObject().Select(p => new KeyValuePair<string, object?>(p.Name, p.Value)), itemSeparator, keySeparator, ensureAscii);
                break;
            case JsonValueKind.Array:
                Write(sb, e.EnumerateArray().Select(x => (object?)x).ToList(), itemSeparator, keySeparator, ensureAscii);
                break;
            case JsonValueKind.String:
                PythonText.AppendJsonString(sb, e.GetString()!, ensureAscii);
                break;
            case JsonValueKind.Number:
                sb.Append(NumberText(e));
                break;
            case JsonValueKind.True:
                sb.Append("true");
                break;
            case JsonValueKind.False:
                sb.Append("false");
                break;
            default:
                sb.Append("null");
                break;
        }
    }
}
