namespace WebUI.Diffusion.Text;

/// <summary>
/// The "23/75" counter A1111 shows beside a prompt box (<c>update_token_counter</c>): extra-network tags are
/// removed, a positive prompt is split on AND, every part is scheduled for the step count, and the longest of
/// all scheduled texts is counted. Max is the counted length rounded up to whole 75-token chunks (at least 75).
/// </summary>
public static class PromptTokenCounter
{
    /// <summary>Counts <paramref name="prompt"/> as A1111's UI does for <paramref name="steps"/> sampling steps.</summary>
    /// <param name="isNegative">Negative prompts are not split on AND.</param>
    public static (int Used, int Max) Count(ClipTokenizer tokenizer, string prompt, int steps, bool isNegative = false,
        EmphasisMode emphasis = EmphasisMode.Original, int commaPaddingBacktrack = 20)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(prompt);
        steps = Math.Max(steps, 1);
        var chunker = new PromptChunker(tokenizer, emphasis, commaPaddingBacktrack);

        var text = PromptParser.ExtractExtraNetworks(prompt).Prompt;
        IReadOnlyList<string> parts = isNegative ? [text] : PromptParser.SplitAnd(text).Select(p => p.Text).Distinct().ToList();

        int best = -1;
        foreach (var part in parts)
        {
            foreach (var (_, scheduled) in PromptSchedule.Get(part, steps))
            {
                chunker.Chunk(scheduled, out int count);
                best = Math.Max(best, count);
            }
        }
        int chunkLength = chunker.ChunkLength;
        int max = (Math.Max(best, 1) + chunkLength - 1) / chunkLength * chunkLength;
        return (best, max);
    }
}
