using System.Text.RegularExpressions;

namespace WebUI.Diffusion.Text;

/// <summary>
/// A1111's prompt-text parsers (<c>modules/prompt_parser.py</c>, <c>modules/extra_networks.py</c>):
/// the attention/emphasis parser, the composable-diffusion AND split and the extra-network tag extraction.
/// All three follow Python's regex semantics (Unicode \s, \w, \d) rather than .NET's.
/// </summary>
public static class PromptParser
{
    /// <summary>Weight a "(...)" group multiplies by.</summary>
    public const double RoundBracketMultiplier = 1.1;

    /// <summary>Weight a "[...]" group multiplies by.</summary>
    public const double SquareBracketMultiplier = 1 / 1.1;

    /// <summary>The marker fragment BREAK produces: text "BREAK" with weight -1.</summary>
    public const string BreakText = "BREAK";

    /// <summary>
    /// A1111's <c>parse_prompt_attention</c>: splits <paramref name="text"/> into (text, weight) fragments.
    /// "(x)" ×1.1, "[x]" ÷1.1, "(x:w)" ×w (multiplying the outer brackets' factors), "\(" etc. are literal,
    /// unclosed brackets apply to the end, BREAK becomes ("BREAK", -1), adjacent equal weights merge, and an
    /// empty prompt gives [("", 1.0)]. Weights are the same float64 products Python computes.
    /// </summary>
    /// <exception cref="FormatException">An "(x:w)" weight is not a number, e.g. "1.2.3" (A1111 fails there too).</exception>
    public static IReadOnlyList<(string Text, double Weight)> ParseAttention(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var res = new List<(string Text, double Weight)>();
        // Lists, not Stack<T>: the unclosed brackets are applied in push order at the end, as Python iterates them.
        var round = new List<int>();
        var square = new List<int>();
        static int Pop(List<int> stack)
        {
            int top = stack[^1];
            stack.RemoveAt(stack.Count - 1);
            return top;
        }

        void MultiplyRange(int start, double multiplier)
        {
            for (int p = start; p < res.Count; p++) res[p] = (res[p].Text, res[p].Weight * multiplier);
        }

        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '\\')
            {
                // \( \) \[ \] \\ escape the next char; a backslash before anything else is dropped.
                if (i + 1 < text.Length && text[i + 1] is '(' or ')' or '[' or ']' or '\\')
                {
                    res.Add((text[i + 1].ToString(), 1.0));
                    i += 2;
                }
                else
                {
                    res.Add(("", 1.0));
                    i++;
                }
            }
            else if (c == '(') { round.Add(res.Count); i++; }
            else if (c == '[') { square.Add(res.Count); i++; }
            else if (c == ':' && TryMatchWeight(text, i, out int end, out string weightText))
            {
                if (round.Count > 0)
                {
                    if (!PythonText.TryParseFloat(weightText, out double w))
                        throw new FormatException($"Invalid attention weight '{weightText}' in prompt: \"{text}\"");
                    MultiplyRange(Pop(round), w);
                }
                else AppendText(res, text[i..end]);
                i = end;
            }
            else if (c == ')' && round.Count > 0) { MultiplyRange(Pop(round), RoundBracketMultiplier); i++; }
            else if (c == ']' && square.Count > 0) { MultiplyRange(Pop(square), SquareBracketMultiplier); i++; }
            else if (c is ')' or ']' or ':')
            {
                AppendText(res, c.ToString());
                i++;
            }
            else
            {
                int end2 = i;
                while (end2 < text.Length && text[end2] is not ('\\' or '(' or ')' or '[' or ']' or ':')) end2++;
                AppendText(res, text[i..end2]);
                i = end2;
            }
        }

        foreach (int pos in round) MultiplyRange(pos, RoundBracketMultiplier);
        foreach (int pos in square) MultiplyRange(pos, SquareBracketMultiplier);

        if (res.Count == 0) res.Add(("", 1.0));
        for (int k = 0; k + 1 < res.Count;)
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

    // ":" \s* ([+-]?[.\d]+) \s* ")" starting at the colon.
    static bool TryMatchWeight(string s, int colon, out int end, out string weight)
    {
        int j = colon + 1;
        while (j < s.Length && PythonText.IsSpace(s[j])) j++;
        int start = j;
        if (j < s.Length && s[j] is '+' or '-') j++;
        int digitsStart = j;
        while (j < s.Length && (s[j] == '.' || char.IsDigit(s[j]))) j++;
        weight = s[start..j];
        end = j;
        if (j == digitsStart) return false;
        while (j < s.Length && PythonText.IsSpace(s[j])) j++;
        if (j >= s.Length || s[j] != ')') return false;
        end = j + 1;
        return true;
    }

    // Plain text is split on \s*\bBREAK\b\s* with a ("BREAK", -1) marker between the parts.
    static void AppendText(List<(string, double)> res, string text)
    {
        int partStart = 0, search = 0;
        while (FindBreak(text, search, out int matchStart, out int matchEnd))
        {
            res.Add((text[partStart..matchStart], 1.0));
            res.Add((BreakText, -1.0));
            partStart = search = matchEnd;
        }
        res.Add((text[partStart..], 1.0));
    }

    static bool FindBreak(string text, int from, out int start, out int end)
    {
        for (int k = text.IndexOf(BreakText, from, StringComparison.Ordinal); k >= 0;
             k = text.IndexOf(BreakText, k + 1, StringComparison.Ordinal))
        {
            if (!PythonText.IsWholeWordAt(text, k, BreakText)) continue;
            start = k;
            while (start > from && PythonText.IsSpace(text[start - 1])) start--;
            end = k + BreakText.Length;
            while (end < text.Length && PythonText.IsSpace(text[end])) end++;
            return true;
        }
        start = end = -1;
        return false;
    }

    // ^((?:\s|.)*?)(?:\s*:\s*([-+]?(?:\d+\.?|\d*\.\d+)))?\s*$ with Python's \s (which adds U+001C..U+001F).
    static readonly Regex SubPromptWeight = new(
        @"^((?:[\s\x1c-\x1f]|.)*?)(?:[\s\x1c-\x1f]*:[\s\x1c-\x1f]*([-+]?(?:\d+\.?|\d*\.\d+)))?[\s\x1c-\x1f]*$",
        RegexOptions.CultureInvariant);

    /// <summary>
    /// A1111's composable-diffusion split (<c>get_multicond_prompt_list</c> for one prompt): the prompt is cut at
    /// every whole word "AND", and each part may end in ":weight" (default 1.0). Texts keep their leading space,
    /// e.g. "a cat :1.2 AND a dog:0.5 AND bird" → ("a cat", 1.2), (" a dog", 0.5), (" bird", 1.0).
    /// Negative prompts are not split (A1111 does not support AND there).
    /// </summary>
    public static IReadOnlyList<(string Text, double Weight)> SplitAnd(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var parts = new List<string>();
        int partStart = 0;
        for (int k = prompt.IndexOf("AND", StringComparison.Ordinal); k >= 0; k = prompt.IndexOf("AND", k + 1, StringComparison.Ordinal))
        {
            if (!PythonText.IsWholeWordAt(prompt, k, "AND")) continue;
            parts.Add(prompt[partStart..k]);
            partStart = k + 3;
        }
        parts.Add(prompt[partStart..]);

        var result = new List<(string, double)>(parts.Count);
        foreach (var part in parts)
        {
            var m = SubPromptWeight.Match(part);
            double weight = 1.0;
            if (m.Groups[2].Success && !PythonText.TryParseFloat(m.Groups[2].Value, out weight))
                throw new FormatException($"Invalid AND weight '{m.Groups[2].Value}' in prompt: \"{prompt}\"");
            result.Add((m.Groups[1].Value, weight));
        }
        return result;
    }

    static readonly Regex ExtraNetworkTag = new(@"<([\p{L}\p{N}_]+):([^>]+)>", RegexOptions.CultureInvariant);

    /// <summary>
    /// A1111's <c>extra_networks.parse_prompt</c>: removes every <c>&lt;name:arg1:arg2...&gt;</c> tag (e.g.
    /// <c>&lt;lora:detail:0.8&gt;</c>) and returns the remaining text with the tags in order of appearance.
    /// </summary>
    public static (string Prompt, IReadOnlyList<ExtraNetworkTag> Tags) ExtractExtraNetworks(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var tags = new List<ExtraNetworkTag>();
        var stripped = ExtraNetworkTag.Replace(prompt, m =>
        {
            tags.Add(new ExtraNetworkTag(m.Groups[1].Value, m.Groups[2].Value.Split(':')));
            return "";
        });
        return (stripped, tags);
    }
}

/// <summary>One extra-network tag from a prompt: <c>&lt;lora:name:0.8&gt;</c> → Name "lora", Args ["name", "0.8"].</summary>
public sealed record ExtraNetworkTag(string Name, IReadOnlyList<string> Args);
