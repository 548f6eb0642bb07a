using System.Globalization;
using System.Text;

namespace WebUI.Diffusion.Imaging;

/// <summary>
/// Python's text forms of values, as A1111 writes them into infotext and JSON: <c>str()</c> of numbers and
/// booleans, <c>json.dumps(s, ensure_ascii=False)</c> of strings and the lenient-but-strict <c>json.loads</c>
/// of a quoted string. Infotext compatibility depends on these being byte-exact, so they are not delegated
/// to .NET formatting (which writes "7" for 7.0 and "1E-05" for 1e-05).
/// </summary>
public static class PythonText
{
    /// <summary>Python <c>repr(float)</c> / <c>str(float)</c>: shortest round-trip digits, "7.0", "0.75", "1e-05", "1e+16".</summary>
    public static string Float(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        if (value == 0) return double.IsNegative(value) ? "-0.0" : "0.0";

        // .NET Core 3.0+ "R" is the shortest round-trippable form; only its layout differs from Python's.
        string r = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        int e = r.IndexOfAny(['E', 'e']);
        string mantissa = e < 0 ? r : r[..e];
        int exponent = e < 0 ? 0 : int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        int dot = mantissa.IndexOf('.');
        string intPart = dot < 0 ? mantissa : mantissa[..dot];
        string fracPart = dot < 0 ? "" : mantissa[(dot + 1)..];
        string digits = intPart + fracPart;
        int decpt = intPart.Length + exponent; // value = 0.<digits> * 10^decpt
        int lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0') lead++;
        digits = digits[lead..];
        decpt -= lead;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0) digits = "0";

        var sb = new StringBuilder(24);
        if (value < 0) sb.Append('-');
        if (decpt <= -4 || decpt > 16)
        {
            // Python switches to exponent notation outside 1e-4 <= |x| < 1e16; the exponent has at least two digits.
            sb.Append(digits[0]);
            if (digits.Length > 1) sb.Append('.').Append(digits, 1, digits.Length - 1);
            int exp = decpt - 1;
            sb.Append('e').Append(exp < 0 ? '-' : '+').Append(Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture));
        }
        else if (decpt <= 0)
        {
            sb.Append("0.").Append('0', -decpt).Append(digits);
        }
        else if (decpt >= digits.Length)
        {
            sb.Append(digits).Append('0', decpt - digits.Length).Append(".0");
        }
        else
        {
            sb.Append(digits, 0, decpt).Append('.').Append(digits, decpt, digits.Length - decpt);
        }
        return sb.ToString();
    }

    /// <summary>Python <c>str(x)</c> for the value kinds infotext carries (strings, integers, floats, booleans).</summary>
    public static string Str(object? value) => value switch
    {
        null => "None",
        string s => s,
        bool b => b ? "True" : "False",
        double d => Float(d),
        float f => Float(f),
        decimal m => Float((double)m),
        sbyte or byte or short or ushort or int or uint or long or ulong => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>
    /// Python <c>json.dumps(s, ensure_ascii=False)</c> of a string: double quotes, short escapes for
    /// <c>\" \\ \n \r \t \b \f</c>, <c>\u00XX</c> (lower-case hex) for other control characters, everything else literal.
    /// </summary>
    public static string JsonString(string s, bool ensureAscii = false)
    {
        var sb = new StringBuilder(s.Length + 2);
        AppendJsonString(sb, s, ensureAscii);
        return sb.ToString();
    }

    /// <summary>
    /// Appends <c>json.dumps(s)</c>; with <paramref name="ensureAscii"/> (Python's default, used for A1111's
    /// <c>info</c> field) every non-ASCII UTF-16 unit becomes <c>\uXXXX</c> in lower-case hex.
    /// </summary>
    public static void AppendJsonString(StringBuilder sb, string s, bool ensureAscii = false)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || (ensureAscii && c > 0x7E)) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }

    /// <summary>
    /// Python <c>json.loads</c> of a text that must be exactly one JSON string literal (what A1111's
    /// <c>unquote</c> feeds it). Returns null where Python would raise (A1111 then keeps the raw text).
    /// </summary>
    public static string? TryJsonUnquote(string text)
    {
        if (text.Length < 2 || text[0] != '"') return null;
        var sb = new StringBuilder(text.Length);
        int i = 1;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '"')
            {
                // json.loads allows trailing whitespace only.
                for (int j = i + 1; j < text.Length; j++)
                    if (text[j] is not (' ' or '\t' or '\n' or '\r')) return null;
                return sb.ToString();
            }
            if (c < 0x20) return null; // strict mode: raw control characters are an error
            if (c != '\\') { sb.Append(c); i++; continue; }
            if (i + 1 >= text.Length) return null;
            char esc = text[i + 1];
            switch (esc)
            {
                case '"': sb.Append('"'); break;
                case '\\': sb.Append('\\'); break;
                case '/': sb.Append('/'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'u':
                    if (i + 6 > text.Length) return null;
                    if (!int.TryParse(text.AsSpan(i + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code)) return null;
                    sb.Append((char)code);
                    i += 6;
                    continue;
                default: return null;
            }
            i += 2;
        }
        return null; // no closing quote
    }
}
