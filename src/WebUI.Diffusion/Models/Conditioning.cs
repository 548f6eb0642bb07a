using WebUI.Diffusion.Text;

namespace WebUI.Diffusion.Models;

/// <summary>
/// One text's UNet conditioning: hidden states float32 [Tokens × Width] (Tokens = 77·chunks) and, for SDXL, the
/// pooled text embedding (text_embeds [P]) and the size/crop conditioning (time_ids, 6 values; 5 for the refiner).
/// </summary>
internal sealed record TextEmbedding(float[] Data, int Tokens, int Width)
{
    public float[]? Pooled { get; init; }
    public float[]? TimeIds { get; init; }
}

/// <summary>
/// The conditioning of one sampling run (A1111's MulticondLearnedConditioning for the prompt and the
/// ScheduledPromptConditioning list for the negative prompt): every distinct encoding once, plus which of them
/// each model call uses. <see cref="Positive"/> has one schedule per AND part with its weight; the denoiser
/// combines them as uncond + Σ wᵢ·cfg·(condᵢ − uncond). Schedules index <see cref="Embeddings"/>; model call k
/// uses the first entry whose end step is ≥ k (A1111's reconstruct_cond_batch).
/// </summary>
internal sealed class ConditioningSchedule
{
    readonly int[] _changePoints;

    public ConditioningSchedule(IReadOnlyList<TextEmbedding> embeddings, IReadOnlyList<SubPromptSchedule> positive,
        IReadOnlyList<(int EndStep, int TextIndex)> negative)
    {
        if (embeddings.Count == 0) throw new ArgumentException("At least one embedding is needed.", nameof(embeddings));
        if (positive.Count == 0 || positive.Any(p => p.Schedule.Count == 0) || negative.Count == 0)
            throw new ArgumentException("Every schedule needs at least one entry.");
        Embeddings = embeddings;
        Positive = positive;
        Negative = negative;
        var points = new SortedSet<int> { 0 };
        foreach (var p in positive) foreach (var (end, _) in p.Schedule) points.Add(end + 1);
        foreach (var (end, _) in negative) points.Add(end + 1);
        int last = Math.Max(positive.Max(p => p.Schedule[^1].EndStep), negative[^1].EndStep);
        // Past the last end step A1111 falls back to the first entries, which is a change too.
        _changePoints = points.Where(p => p <= last + 1).ToArray();
    }

    public IReadOnlyList<TextEmbedding> Embeddings { get; }
    public IReadOnlyList<SubPromptSchedule> Positive { get; }
    public IReadOnlyList<(int EndStep, int TextIndex)> Negative { get; }

    /// <summary>The encoding of "" (one chunk), used to pad prompt and negative prompt to the same length when
    /// "Pad prompt/negative prompt" is on; null otherwise.</summary>
    public TextEmbedding? EmptyPrompt { get; init; }

    /// <summary>Infotext entries the conditioning adds ("TI hashes", "Emphasis"), in A1111's order.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> InfotextExtras { get; init; } = [];

    /// <summary>Things the user should know that did not stop the generation (e.g. a setting this model ignores).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Model calls at which the conditioning in use may change; always starts with 0.</summary>
    public IReadOnlyList<int> ChangePoints => _changePoints;

    /// <summary>True when only one sub-prompt with weight 1 conditions every call (plain CFG).</summary>
    public bool IsSingle => Positive.Count == 1 && Positive[0].Weight == 1.0;

    /// <summary>A fixed conditioning: one prompt (and a negative, or the prompt itself when there is none).</summary>
    public static ConditioningSchedule Fixed(TextEmbedding cond, TextEmbedding? uncond)
    {
        var list = uncond is null ? new[] { cond } : [cond, uncond];
        return new ConditioningSchedule(list, [new SubPromptSchedule(1.0, [(int.MaxValue, 0)])], [(int.MaxValue, list.Length - 1)]);
    }

    /// <summary>Embedding index of sub-prompt <paramref name="part"/> at model call <paramref name="call"/>.</summary>
    public int PositiveAt(int part, int call) => Positive[part].Schedule[PromptSchedule.IndexAt(Positive[part].Schedule, call)].TextIndex;

    /// <summary>Embedding index of the negative prompt at model call <paramref name="call"/>.</summary>
    public int NegativeAt(int call) => Negative[PromptSchedule.IndexAt(Negative, call)].TextIndex;
}
