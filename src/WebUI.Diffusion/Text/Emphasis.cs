namespace WebUI.Diffusion.Text;

/// <summary>A1111's opts.emphasis: how "(word:1.2)" weights act on the text encoder's output.</summary>
public enum EmphasisMode
{
    /// <summary>"Original" (default): multiply each token's vector by its weight, then rescale so the mean of
    /// the whole chunk tensor is what it was before.</summary>
    Original,

    /// <summary>"No norm": multiply by the weights only.</summary>
    NoNorm,

    /// <summary>"Ignore": brackets are parsed (and removed) but weights are not applied.</summary>
    Ignore,

    /// <summary>"None": no parsing at all; brackets and BREAK are literal text.</summary>
    None,
}

/// <summary>
/// Emphasis applied to text-encoder hidden states after the encoder ran (<c>modules/sd_emphasis.py</c>).
/// Pure functions over flat float spans, so the engine calls them on its output buffers.
/// </summary>
public static class Emphasis
{
    static readonly (EmphasisMode Mode, string Name)[] Names =
        [(EmphasisMode.Original, "Original"), (EmphasisMode.NoNorm, "No norm"), (EmphasisMode.Ignore, "Ignore"), (EmphasisMode.None, "None")];

    /// <summary>A1111's label for the mode ("Original", "No norm", "Ignore", "None"), as in infotext.</summary>
    public static string Name(EmphasisMode mode) =>
        Names.First(n => n.Mode == mode).Name;

    /// <summary>Parses A1111's label (case-insensitive; "NoNorm" accepted too).</summary>
    /// <exception cref="ArgumentException">An unknown label; the message lists the valid ones.</exception>
    public static EmphasisMode Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var (mode, label) in Names)
        {
            if (string.Equals(label, name.Trim(), StringComparison.OrdinalIgnoreCase)
                || string.Equals(mode.ToString(), name.Trim(), StringComparison.OrdinalIgnoreCase))
                return mode;
        }
        throw new ArgumentException($"Unknown emphasis mode '{name}'. Valid: {string.Join(", ", Names.Select(n => n.Name))}.", nameof(name));
    }

    /// <summary>
    /// Applies emphasis in place. <paramref name="hiddenStates"/> is token-major (tokens × hidden), for one chunk
    /// [77, hidden] or for a batch of chunks encoded together [B, 77, hidden] flattened; <paramref name="weights"/>
    /// holds one weight per token (77 or B·77). "Original" restores the mean over the whole span, which for a
    /// batch is A1111's mean over all of its items.
    /// </summary>
    public static void Apply(Span<float> hiddenStates, ReadOnlySpan<float> weights, EmphasisMode mode)
    {
        if (weights.Length == 0 || hiddenStates.Length % weights.Length != 0)
            throw new ArgumentException($"Hidden states ({hiddenStates.Length} values) are not a whole number of vectors for {weights.Length} token weights.");
        if (mode is EmphasisMode.Ignore or EmphasisMode.None) return;
        int hidden = hiddenStates.Length / weights.Length;

        float originalMean = mode == EmphasisMode.Original ? Mean(hiddenStates) : 0f;
        for (int t = 0; t < weights.Length; t++)
        {
            float w = weights[t];
            if (w == 1f) continue;
            var vector = hiddenStates.Slice(t * hidden, hidden);
            for (int c = 0; c < vector.Length; c++) vector[c] *= w;
        }
        if (mode != EmphasisMode.Original) return;

        // z * (original_mean / new_mean), the ratio taken in float32 as torch does.
        float scale = originalMean / Mean(hiddenStates);
        for (int i = 0; i < hiddenStates.Length; i++) hiddenStates[i] *= scale;
    }

    // Accumulated in double: torch's float32 mean sums pairwise, so double is the closer stand-in.
    static float Mean(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float v in values) sum += v;
        return (float)(sum / values.Length);
    }
}
