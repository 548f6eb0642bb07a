using System.Globalization;
using System.Text.RegularExpressions;

namespace WebUI.Diffusion.Imaging;

/// <summary>
/// A1111's <c>parse_prompt_attention</c>, kept here only so the infotext parser can decide whether to add
/// <c>Emphasis: Original</c> (it does so when any weight differs from 1.0). The prompt-language helper owns the
/// conditioning path; this copy exists so that Imaging has no dependency on it and follows the same float products.
/// </summary>
internal static partial class AttentionScan
{
    [GeneratedRegex(@"\\\(|\\\)|\\\[|\\]|\\\\|\\|\(|\[|:\s*([+-]?[.\d]+)\s*\)|\)|]|[^\\()\[\]:]+|:")]
    private static partial Regex Token();

    [GeneratedRegex(@"\s*\bBREAK\b\s*", RegexOptions.Singleline)]
    private static partial Regex Break();

    /// <summary>Returns the (text, weight) list, or null where Python would raise (an unparsable weight like "1.2.3").</summary>
    public static List<(string Text, double Weight)>? Parse(string text)
    {
        var res = new List<(string Text, double Weight)>();
        var round = new List<int>();
        var square = new List<int>();
        const double roundMul = 1.1;
        const double squareMul = 1 / 1.1;

        void Multiply(int start, double m)
        {
            for (int p = start; p < res.Count; p++) res[p] = (res[p].Text, res[p].Weight * m);
        }

        foreach (Match m in Token().Matches(text))
        {
            string t = m.Value;
            Group weight = m.Groups[1];
            if (t.StartsWith('\\')) res.Add((t[1..], 1.0));
            else if (t == "(") round.Add(res.Count);
            else if (t == "[") square.Add(res.Count);
            else if (weight.Success && round.Count > 0)
            {
                if (!TryPythonFloat(weight.Value, out double w)) return null;
                Multiply(Pop(round), w);
            }
            else if (t == ")" && round.Count > 0) Multiply(Pop(round), roundMul);
            else if (t == "]" && square.Count > 0) Multiply(Pop(square), squareMul);
            else
            {
                string[] parts = Break().Split(t);
                for (int i = 0; i < parts.Length; i++)
                {
                    if (i > 0) res.Add(("BREAK", -1));
                    res.Add((parts[i], 1.0));
                }
            }
        }
        foreach (int pos in round) Multiply(pos, roundMul);
        foreach (int pos in square) Multiply(pos, squareMul);
        if (res.Count == 0) res.Add(("", 1.0));

        int k = 0;
        while (k + 1 < res.Count)
        {
            if (res[k].Weight == res[k + 1].Weight)
            {
                res[k] = (res[k].Text + res[k + 1].Text, res[k].Weight);
                res.RemoveAt(k + 1);
            }
            else k++;
        }
        return res;
    }

    /// <summary>A1111's test in parse_generation_parameters: some entry has a weight ≠ 1.0 and is not a BREAK marker.</summary>
    public static bool UsesEmphasis(string prompt, string negativePrompt)
    {
        var a = Parse(prompt);
        var b = Parse(negativePrompt);
        if (a is null || b is null) return false;
        return a.Concat(b).Any(p => !(p.Weight == 1.0 || p.Text == "BREAK"));
    }

    static int Pop(List<int> stack)
    {
        int v = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return v;
    }

    // The weight token is [+-]?[.\d]+, so Python float() accepts exactly the decimal forms .NET parses with these styles.
    static bool TryPythonFloat(string s, out double value) =>
        double.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value)
        && s.Any(char.IsAsciiDigit);
}
