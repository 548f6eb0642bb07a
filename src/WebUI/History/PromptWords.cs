using System.Globalization;
using System.Text;

namespace WebUI.History;

/// <summary>
/// The search tokens of a prompt: maximal runs of letters and digits, lower-cased (invariant), each once, in order of
/// first appearance. "(masterpiece:1.2), 1girl, Red_Hair" → masterpiece, 1, 2, 1girl, red, hair. Prompt syntax
/// (weights, brackets, LoRA tags) thus never hides a word.
/// </summary>
public static class PromptWords
{
    /// <summary>Longer runs (base64 blobs, hashes) are not words anyone searches for.</summary>
    public const int MaxWordLength = 48;

    /// <summary>Bounds the index entry of a pathological prompt.</summary>
    public const int MaxWordsPerText = 256;

    public static string[] Of(string? text)
    {
        if (string.IsNullOrEmpty(text)) return [];
        var words = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var current = new StringBuilder();
        foreach (char ch in text)
        {
            if (char.IsLetterOrDigit(ch) || char.GetUnicodeCategory(ch) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)
            {
                current.Append(ch);
                continue;
            }
            Flush();
            if (words.Count >= MaxWordsPerText) break;
        }
        Flush();
        return [.. words];

        void Flush()
        {
            if (current.Length > 0 && current.Length <= MaxWordLength && words.Count < MaxWordsPerText)
            {
                string word = current.ToString().ToLowerInvariant();
                if (seen.Add(word)) words.Add(word);
            }
            current.Clear();
        }
    }
}
