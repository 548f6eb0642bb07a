namespace WebUI.Diffusion.Text;

/// <summary>
/// How A1111 reconciles conditionings of different token lengths (§4.4, <c>sd_samplers_cfg_denoiser.py</c>),
/// on flat token-major hidden states ([tokens, hidden]). Token counts are multiples of 77.
/// </summary>
public static class ConditioningPadding
{
    /// <summary>
    /// opts.pad_cond_uncond ("Pad prompt/negative prompt"): appends copies of the empty-prompt conditioning
    /// (the encoding of "", one 77-token chunk) until <paramref name="targetTokens"/> is reached.
    /// </summary>
    public static float[] AppendEmptyPrompt(ReadOnlySpan<float> conditioning, ReadOnlySpan<float> emptyPrompt, int hidden, int targetTokens)
    {
        int tokens = Tokens(conditioning, hidden, nameof(conditioning));
        int emptyTokens = Tokens(emptyPrompt, hidden, nameof(emptyPrompt));
        if (emptyTokens == 0) throw new ArgumentException("The empty-prompt conditioning has no tokens.", nameof(emptyPrompt));
        if (targetTokens < tokens || (targetTokens - tokens) % emptyTokens != 0)
            throw new ArgumentException($"Cannot pad {tokens} tokens to {targetTokens} with {emptyTokens}-token empty prompts.", nameof(targetTokens));
        var result = new float[targetTokens * hidden];
        conditioning.CopyTo(result);
        for (int offset = conditioning.Length; offset < result.Length; offset += emptyPrompt.Length)
            emptyPrompt.CopyTo(result.AsSpan(offset));
        return result;
    }

    /// <summary>
    /// Repeats the last token vector up to <paramref name="targetTokens"/>, or truncates when longer: how A1111
    /// stacks conds of different lengths in one batch (padding only), and opts.pad_cond_uncond_v0 for uncond.
    /// </summary>
    public static float[] RepeatLastVector(ReadOnlySpan<float> conditioning, int hidden, int targetTokens)
    {
        int tokens = Tokens(conditioning, hidden, nameof(conditioning));
        if (tokens == 0) throw new ArgumentException("The conditioning has no tokens.", nameof(conditioning));
        if (targetTokens < 1) throw new ArgumentOutOfRangeException(nameof(targetTokens), targetTokens, "Target length must be positive.");
        var result = new float[targetTokens * hidden];
        int keep = Math.Min(tokens, targetTokens) * hidden;
        conditioning[..keep].CopyTo(result);
        var last = conditioning.Slice((tokens - 1) * hidden, hidden);
        for (int offset = keep; offset < result.Length; offset += hidden) last.CopyTo(result.AsSpan(offset));
        return result;
    }

    static int Tokens(ReadOnlySpan<float> values, int hidden, string name)
    {
        if (hidden <= 0) throw new ArgumentOutOfRangeException(nameof(hidden), hidden, "Hidden size must be positive.");
        if (values.Length % hidden != 0) throw new ArgumentException($"{values.Length} values are not a whole number of {hidden}-wide vectors.", name);
        return values.Length / hidden;
    }
}
