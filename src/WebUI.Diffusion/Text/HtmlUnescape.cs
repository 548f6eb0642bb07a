using System.Text;

namespace WebUI.Diffusion.Text;

/// <summary>
/// Python's <c>html.unescape</c> (HTML5 rules), which CLIP's <c>basic_clean</c> applies twice: numeric references
/// with the WHATWG replacements for invalid code points, named references including the legacy ones without ';',
/// and the longest-prefix rule for unknown names (<c>&amp;notit;</c> → "¬it;").
/// </summary>
internal static class HtmlUnescape
{
    static readonly Lazy<Dictionary<string, string>> Named = new(LoadNamed);

    // Windows-1252 reading of the C1 range, as the HTML standard maps numeric references 0x80..0x9F.
    static readonly Dictionary<int, string> InvalidCharRefs = BuildInvalidCharRefs();

    public static string Unescape(string s)
    {
        if (!s.Contains('&')) return s;
        var sb = new StringBuilder(s.Length);
        int i = 0;
        while (i < s.Length)
        {
            int amp = s.IndexOf('&', i);
            if (amp < 0) { sb.Append(s, i, s.Length - i); break; }
            sb.Append(s, i, amp - i);
            int next = TryReplace(s, amp + 1, sb);
            if (next < 0) { sb.Append('&'); i = amp + 1; }
            else i = next;
        }
        return sb.ToString();
    }

    // Matches one of the three reference shapes after '&' at position p; appends the replacement and returns the
    // index after the match, or -1 when nothing matches (the '&' stays literal).
    static int TryReplace(string s, int p, StringBuilder sb)
    {
        if (p < s.Length && s[p] == '#')
        {
            int q = p + 1;
            bool hex = q < s.Length && s[q] is 'x' or 'X';
            int digitsStart = hex ? q + 1 : q;
            int end = digitsStart;
            while (end < s.Length && (hex ? char.IsAsciiHexDigit(s[end]) : char.IsAsciiDigit(s[end]))) end++;
            if (end > digitsStart)
            {
                int after = end < s.Length && s[end] == ';' ? end + 1 : end;
                sb.Append(NumericReplacement(s.AsSpan(digitsStart, end - digitsStart), hex));
                return after;
            }
            // "&#" followed by no digit: the named alternative excludes '#', so there is no match.
            return -1;
        }
        return TryReplaceNamed(s, p, sb);
    }

    static string NumericReplacement(ReadOnlySpan<char> digits, bool hex)
    {
        // Python's int() is unbounded; anything above 0x10FFFF becomes U+FFFD, so saturate instead of overflowing.
        long num = 0;
        foreach (char c in digits)
        {
            num = num * (hex ? 16 : 10) + (char.IsAsciiDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
            if (num > 0x10FFFF) { num = 0x110000; break; }
        }
        int n = (int)num;
        if (InvalidCharRefs.TryGetValue(n, out var mapped)) return mapped;
        if (n is >= 0xD800 and <= 0xDFFF || n > 0x10FFFF) return "\uFFFD";
        if (IsInvalidCodePoint(n)) return "";
        return char.ConvertFromUtf32(n);
    }

    static bool IsInvalidCodePoint(int n) =>
        n is >= 0x1 and <= 0x8 or 0xB or >= 0xE and <= 0x1F or >= 0x7F and <= 0x9F or >= 0xFDD0 and <= 0xFDEF
        || (n & 0xFFFE) == 0xFFFE;

    static int TryReplaceNamed(string s, int p, StringBuilder sb)
    {
        // [^\t\n\f <&#;]{1,32};? counted in code points, as Python indexes str.
        int end = p, count = 0;
        while (end < s.Length && count < 32)
        {
            char c = s[end];
            if (c is '\t' or '\n' or '\f' or ' ' or '<' or '&' or '#' or ';') break;
            end += char.IsHighSurrogate(c) && end + 1 < s.Length && char.IsLowSurrogate(s[end + 1]) ? 2 : 1;
            count++;
        }
        if (count == 0) return -1;
        if (end < s.Length && s[end] == ';') end++;
        string name = s.Substring(p, end - p);
        var named = Named.Value;
        if (named.TryGetValue(name, out var value)) { sb.Append(value); return end; }
        // Longest known prefix of at least two characters; the rest of the name stays as text.
        var starts = CodePointStarts(name);
        for (int x = starts.Count - 1; x > 1; x--)
        {
            if (named.TryGetValue(name[..starts[x]], out value))
            {
                sb.Append(value).Append(name, starts[x], name.Length - starts[x]);
                return end;
            }
        }
        sb.Append('&').Append(name);
        return end;
    }

    // Index of each code point's first char, so Python's s[:x] (code point count x) becomes name[..starts[x]].
    static List<int> CodePointStarts(string name)
    {
        var starts = new List<int>(name.Length + 1);
        for (int i = 0; i < name.Length; i += char.IsSurrogatePair(name, i) ? 2 : 1) starts.Add(i);
        starts.Add(name.Length);
        return starts;
    }

    static Dictionary<string, string> LoadNamed()
    {
        var map = new Dictionary<string, string>(2300, StringComparer.Ordinal);
        foreach (var line in HtmlEntityTable.Entries.Split('\n'))
        {
            int eq = line.IndexOf('=');
            if (eq <= 0) continue;
            var value = new StringBuilder(2);
            foreach (var hex in line[(eq + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
                value.Append(char.ConvertFromUtf32(Convert.ToInt32(hex, 16)));
            map[line[..eq]] = value.ToString();
        }
        return map;
    }

    static Dictionary<int, string> BuildInvalidCharRefs()
    {
        var map = new Dictionary<int, string> { [0x00] = "\uFFFD", [0x0D] = "\r" };
        var cp1252 = "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F"
                   + "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";
        for (int i = 0; i < 32; i++) map[0x80 + i] = cp1252[i].ToString();
        return map;
    }
}
