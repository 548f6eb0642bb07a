using System.Globalization;

namespace WebUI.Diffusion.Text;

/// <summary>
/// CLIP's text clean-up and word splitting, written out by hand instead of as a .NET Regex because .NET classes
/// \p{L}/\p{N} per UTF-16 unit (missing letters outside the BMP) and its \s differs from Python's.
/// Pattern (case-insensitive, findall):
/// <c>&lt;\|startoftext\|&gt;|&lt;\|endoftext\|&gt;|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+</c>.
/// </summary>
internal static class ClipPreTokenizer
{
    public const string StartOfText = "<|startoftext|>";
    public const string EndOfText = "<|endoftext|>";

    // Alternation order matters only where one could prefix another; none of these does, but keep CLIP's order.
    static readonly string[] Contractions = ["s", "t", "re", "ve", "m", "ll", "d"];

    /// <summary>OpenAI's <c>whitespace_clean(basic_clean(text)).lower()</c> without ftfy: HTML-unescape twice,
    /// strip, collapse every whitespace run to one space, strip, Python lower-case. The strips use Python's
    /// <c>str.isspace</c>; the collapse and the split use the <c>regex</c> module's \s (Unicode White_Space),
    /// which unlike <c>str.isspace</c> leaves U+001C..U+001F alone.</summary>
    public static string Clean(string text)
    {
        text = HtmlUnescape.Unescape(HtmlUnescape.Unescape(text));
        text = PythonText.Strip(text);
        var sb = new System.Text.StringBuilder(text.Length);
        bool inSpace = false;
        foreach (char c in text)
        {
            if (IsRegexSpace(c))
            {
                if (!inSpace) sb.Append(' ');
                inSpace = true;
            }
            else
            {
                sb.Append(c);
                inSpace = false;
            }
        }
        return PythonText.Lower(PythonText.Strip(sb.ToString()));
    }

    /// <summary>Splits cleaned text into CLIP's pre-tokens (character ranges of <paramref name="text"/>).</summary>
    public static IEnumerable<Range> Split(string text)
    {
        int i = 0;
        while (i < text.Length)
        {
            int end = MatchAt(text, i);
            if (end < 0)
            {
                i += char.IsSurrogatePair(text, i) ? 2 : 1; // whitespace: findall skips it
                continue;
            }
            yield return new Range(i, end);
            i = end;
        }
    }

    // The end of the match starting at i, or -1 when no alternative matches there (only whitespace).
    static int MatchAt(string s, int i)
    {
        if (StartsWithIgnoreCase(s, i, StartOfText)) return i + StartOfText.Length;
        if (StartsWithIgnoreCase(s, i, EndOfText)) return i + EndOfText.Length;
        if (s[i] == '\'')
        {
            foreach (var c in Contractions)
                if (StartsWithIgnoreCase(s, i + 1, c)) return i + 1 + c.Length;
        }
        var kind = Classify(s, i, out int width);
        switch (kind)
        {
            case CharKind.Letter:
            {
                int j = i + width;
                while (j < s.Length && Classify(s, j, out int w) == CharKind.Letter) j += w;
                return j;
            }
            case CharKind.Number:
                return i + width;
            case CharKind.Other:
            {
                int j = i + width;
                while (j < s.Length && Classify(s, j, out int w) == CharKind.Other) j += w;
                return j;
            }
            default:
                return -1;
        }
    }

    // The regex module's \s is the Unicode White_Space property, which is exactly .NET's char.IsWhiteSpace.
    static bool IsRegexSpace(char c) => char.IsWhiteSpace(c);

    enum CharKind { Space, Letter, Number, Other }

    static CharKind Classify(string s, int i, out int width)
    {
        int cp = PythonText.CodePointAt(s, i);
        width = cp > 0xFFFF ? 2 : 1;
        if (cp <= 0xFFFF && IsRegexSpace((char)cp)) return CharKind.Space;
        return CharUnicodeInfo.GetUnicodeCategory(cp) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => CharKind.Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => CharKind.Number,
            _ => CharKind.Other, // punctuation, symbols, marks, controls, lone surrogates
        };
    }

    // The pattern is case-insensitive; after lower-casing this only matters for letters that fold onto ASCII
    // ones, e.g. U+017F (long s) against 's' and U+212A (Kelvin) against 'k'.
    static bool StartsWithIgnoreCase(string s, int i, string ascii)
    {
        if (i + ascii.Length > s.Length) return false;
        for (int k = 0; k < ascii.Length; k++)
        {
            char c = s[i + k], a = ascii[k];
            if (c == a) continue;
            if (char.ToLowerInvariant(c) == a) continue;
            if (a == 's' && c == '\u017F') continue;
            if (a == 'k' && c == '\u212A') continue;
            return false;
        }
        return true;
    }
}
