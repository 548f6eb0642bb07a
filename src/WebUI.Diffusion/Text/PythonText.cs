using System.Globalization;
using System.Text;

namespace WebUI.Diffusion.Text;

/// <summary>
/// Python 3 string semantics that A1111 and OpenAI CLIP rely on and that .NET spells differently:
/// <c>str.isspace</c> / re's <c>\s</c>, re's Unicode <c>\w</c> (for <c>\b</c>), <c>str.lower()</c> with its
/// full (not 1:1) mapping, and <c>float()</c> accepting any Unicode decimal digit.
/// </summary>
internal static class PythonText
{
    /// <summary>Python's <c>str.isspace()</c> (also re's <c>\s</c> for str patterns): .NET's white space plus the
    /// four information separators U+001C..U+001F, which Python counts as space (bidi class B/S).</summary>
    public static bool IsSpace(int codePoint) =>
        codePoint is >= 0x1C and <= 0x1F || (codePoint <= 0xFFFF && char.IsWhiteSpace((char)codePoint));

    public static bool IsSpace(char c) => IsSpace((int)c);

    /// <summary>re's Unicode <c>\w</c>: <c>str.isalnum()</c> or underscore (letters and all numeric categories;
    /// unlike .NET's \w it excludes marks and connector punctuation other than '_').</summary>
    public static bool IsWordChar(int codePoint)
    {
        if (codePoint == '_') return true;
        if (!Rune.IsValid(codePoint)) return false;
        return CharUnicodeInfo.GetUnicodeCategory(codePoint) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
                or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => true,
            _ => false,
        };
    }

    /// <summary>The code point that ends just before <paramref name="index"/> (a surrogate pair counts as one),
    /// or -1 at the start.</summary>
    public static int CodePointBefore(string s, int index)
    {
        if (index <= 0) return -1;
        char c = s[index - 1];
        if (char.IsLowSurrogate(c) && index >= 2 && char.IsHighSurrogate(s[index - 2]))
            return char.ConvertToUtf32(s[index - 2], c);
        return c;
    }

    /// <summary>The code point starting at <paramref name="index"/>, or -1 at the end.</summary>
    public static int CodePointAt(string s, int index)
    {
        if (index >= s.Length) return -1;
        char c = s[index];
        if (char.IsHighSurrogate(c) && index + 1 < s.Length && char.IsLowSurrogate(s[index + 1]))
            return char.ConvertToUtf32(c, s[index + 1]);
        return c;
    }

    /// <summary>True when <paramref name="word"/> occurs at <paramref name="index"/> between two re <c>\b</c>
    /// boundaries (the word itself is made of word characters).</summary>
    public static bool IsWholeWordAt(string s, int index, string word) =>
        string.CompareOrdinal(s, index, word, 0, word.Length) == 0
        && !IsWordChar(CodePointBefore(s, index))
        && !IsWordChar(CodePointAt(s, index + word.Length));

    /// <summary>Python's <c>str.strip()</c>.</summary>
    public static string Strip(string s)
    {
        int start = 0, end = s.Length;
        while (start < end && IsSpace(s[start])) start++;
        while (end > start && IsSpace(s[end - 1])) end--;
        return s.Substring(start, end - start);
    }

    /// <summary>Python's <c>str.lower()</c>: the simple lower-case mapping except for the two context rules
    /// Python applies: U+0130 becomes "i̇" (two code points) and Σ becomes final ς at the end of a word.</summary>
    public static string Lower(string s)
    {
        StringBuilder? sb = null;
        int i = 0;
        while (i < s.Length)
        {
            int cp = CodePointAt(s, i);
            int width = cp > 0xFFFF ? 2 : 1;
            string? special = cp switch
            {
                0x130 => "i\u0307",
                0x3A3 => IsFinalSigma(s, i) ? "\u03C2" : "\u03C3",
                _ => null,
            };
            if (special is null)
            {
                int lower = Rune.IsValid(cp) ? Rune.ToLowerInvariant(new Rune(cp)).Value : cp;
                if (lower == cp) { sb?.Append(s, i, width); i += width; continue; }
                special = char.ConvertFromUtf32(lower);
            }
            sb ??= new StringBuilder(s.Length).Append(s, 0, i);
            sb.Append(special);
            i += width;
        }
        return sb?.ToString() ?? s;
    }

    // Unicode's Final_Sigma condition as CPython implements it: a cased letter precedes (skipping case-ignorable
    // characters) and no cased letter follows (again skipping case-ignorable ones).
    static bool IsFinalSigma(string s, int index)
    {
        int j = index;
        int before = -1;
        while (j > 0)
        {
            before = CodePointBefore(s, j);
            j -= before > 0xFFFF ? 2 : 1;
            if (!IsCaseIgnorable(before)) break;
            before = -1;
        }
        if (before == -1 || !IsCased(before)) return false;
        j = index + 1;
        while (j < s.Length)
        {
            int after = CodePointAt(s, j);
            j += after > 0xFFFF ? 2 : 1;
            if (!IsCaseIgnorable(after)) return !IsCased(after);
        }
        return true;
    }

    // Unicode "Cased": Lu, Ll, Lt, anything with a case mapping, plus the Other_Lowercase/Other_Uppercase
    // characters that have neither (ª º, modifier letters, squared/circled Latin letters...).
    static bool IsCased(int cp)
    {
        if (!Rune.IsValid(cp)) return false;
        var r = new Rune(cp);
        if (Rune.IsUpper(r) || Rune.IsLower(r) || Rune.GetUnicodeCategory(r) == UnicodeCategory.TitlecaseLetter) return true;
        if (Rune.ToLowerInvariant(r) != r || Rune.ToUpperInvariant(r) != r) return true;
        foreach (var (first, last) in OtherCased)
            if (cp >= first && cp <= last) return true;
        return false;
    }

    static readonly (int First, int Last)[] OtherCased =
    [
        (0xAA, 0xAA), (0xBA, 0xBA), (0x2B0, 0x2B8), (0x2C0, 0x2C1), (0x2E0, 0x2E4), (0x37A, 0x37A), (0x1D2C, 0x1D6A),
        (0x1D78, 0x1D78), (0x1D9B, 0x1DBF), (0x2071, 0x2071), (0x207F, 0x207F), (0x2090, 0x209C), (0x2C7C, 0x2C7D),
        (0xA69C, 0xA69D), (0xA770, 0xA770), (0xA7F8, 0xA7F9), (0xAB5C, 0xAB5F), (0x10780, 0x10780), (0x10783, 0x10785),
        (0x10787, 0x107B0), (0x107B2, 0x107BA), (0x1F130, 0x1F149), (0x1F150, 0x1F169), (0x1F170, 0x1F189),
    ];

    // Unicode "Case_Ignorable": marks, format characters, modifier letters/symbols, and the Word_Break
    // MidLetter/MidNumLet/Single_Quote punctuation.
    static bool IsCaseIgnorable(int cp)
    {
        if (cp is '\'' or '.' or ':' or 0xB7 or 0x387 or 0x55F or 0x5F4 or 0x2018 or 0x2019 or 0x2024 or 0x2027
            or 0xFE13 or 0xFE52 or 0xFE55 or 0xFF07 or 0xFF0E or 0xFF1A) return true;
        if (!Rune.IsValid(cp)) return false;
        return CharUnicodeInfo.GetUnicodeCategory(cp) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark
            or UnicodeCategory.Format or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol;
    }

    /// <summary>Python's <c>float(text)</c> for the number shapes A1111's regexes admit (ASCII or any Unicode
    /// decimal digits, optional sign, '.', exponent). Returns false where Python would raise ValueError.</summary>
    public static bool TryParseFloat(string text, out double value)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var rune in Strip(text).EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.DecimalDigitNumber)
                sb.Append((char)('0' + (int)Rune.GetNumericValue(rune)));
            else
                sb.Append(rune.ToString());
        }
        string ascii = sb.ToString();
        // double.Parse would accept thousands separators or "Infinity" spellings Python treats differently here;
        // A1111's regexes only hand over sign/digits/'.'/exponent, so restrict to that shape.
        if (ascii.Length == 0 || ascii.Any(c => !(char.IsAsciiDigit(c) || c is '.' or '+' or '-' or 'e' or 'E')) || !ascii.Any(char.IsAsciiDigit))
        {
            value = 0;
            return false;
        }
        return double.TryParse(ascii, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}
