namespace WebUI.Diffusion.Text;

/// <summary>One AND part of the positive prompt: its weight and its schedule, as indexes into
/// <see cref="PromptConditioningPlan.Texts"/>.</summary>
public sealed record SubPromptSchedule(double Weight, IReadOnlyList<(int EndStep, int TextIndex)> Schedule);

/// <summary>
/// Which texts condition each sampler model call, so every distinct text is encoded once and reused
/// (A1111's <c>get_multicond_learned_conditioning</c> / <c>get_learned_conditioning</c> with
/// <c>reconstruct_multicond_batch</c> / <c>reconstruct_cond_batch</c>). The positive prompt loses its
/// extra-network tags, is split on AND, and each part is scheduled; the negative prompt is scheduled as one
/// text (A1111 supports neither AND nor extra networks there). Call indexes are 0-based over the sampler's
/// model calls, counted from the start of the sampling run.
/// </summary>
public sealed class PromptConditioningPlan
{
    readonly int[] _changePoints;

    PromptConditioningPlan(IReadOnlyList<string> texts, IReadOnlyList<SubPromptSchedule> positive,
        IReadOnlyList<(int, int)> negative, IReadOnlyList<ExtraNetworkTag> extraNetworks, int steps)
    {
        Texts = texts;
        Positive = positive;
        Negative = negative;
        ExtraNetworks = extraNetworks;
        Steps = steps;
        // Conditioning can only change right after an end step; call 0 always starts a run.
        var points = new SortedSet<int> { 0 };
        foreach (var sub in positive)
            foreach (var (end, _) in sub.Schedule) points.Add(end + 1);
        foreach (var (end, _) in negative) points.Add(end + 1);
        // A point after the last planned call (the end of the final entries) is no change the sampler will see.
        _changePoints = points.Where(p => p <= steps).ToArray();
    }

    /// <summary>Every distinct text to encode: the positive parts' scheduled texts first (in order of
    /// appearance), then the negative prompt's texts not already listed.</summary>
    public IReadOnlyList<string> Texts { get; }

    /// <summary>The AND parts of the positive prompt, in order (duplicates kept: A1111 sums their weights).</summary>
    public IReadOnlyList<SubPromptSchedule> Positive { get; }

    /// <summary>The negative prompt's schedule (end step, index into <see cref="Texts"/>).</summary>
    public IReadOnlyList<(int EndStep, int TextIndex)> Negative { get; }

    /// <summary>Extra-network tags removed from the positive prompt (LoRA etc.), for the caller to apply.</summary>
    public IReadOnlyList<ExtraNetworkTag> ExtraNetworks { get; }

    /// <summary>The model-call count the schedules were computed for.</summary>
    public int Steps { get; }

    /// <summary>Call indexes (0..<see cref="Steps"/>) at which the texts in use may change, always starting with 0;
    /// between two of them the conditioning stays the same, so the engine can keep its tensors.</summary>
    public IReadOnlyList<int> ChangePoints => _changePoints;

    /// <summary>
    /// Builds the plan. <paramref name="steps"/> is the number of model calls the schedule spans: the sampling
    /// steps, times 2 for second-order samplers (Heun, DPM2, DPM++ 2S a, DPM++ SDE, Restart). For a hires pass
    /// pass the first pass's count as <paramref name="steps"/> and the hires pass's as <paramref name="hiresSteps"/>.
    /// </summary>
    public static PromptConditioningPlan Create(string prompt, string negativePrompt, int steps, int? hiresSteps = null,
        bool useOldScheduling = false)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(negativePrompt);
        var (positiveText, tags) = PromptParser.ExtractExtraNetworks(prompt);

        var texts = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        int IndexOf(string text)
        {
            if (!index.TryGetValue(text, out int i))
            {
                index[text] = i = texts.Count;
                texts.Add(text);
            }
            return i;
        }

        // Identical part texts share one schedule, as A1111 schedules its flat list of distinct texts.
        var schedules = new Dictionary<string, IReadOnlyList<(int, int)>>(StringComparer.Ordinal);
        IReadOnlyList<(int, int)> ScheduleOf(string text)
        {
            if (!schedules.TryGetValue(text, out var schedule))
            {
                schedule = PromptSchedule.Get(text, steps, hiresSteps, useOldScheduling)
                    .Select(e => (e.EndStep, IndexOf(e.Prompt))).ToList();
                schedules[text] = schedule;
            }
            return schedule;
        }

        var positive = PromptParser.SplitAnd(positiveText)
            .Select(part => new SubPromptSchedule(part.Weight, ScheduleOf(part.Text)))
            .ToList();
        var negative = PromptSchedule.Get(negativePrompt, steps, hiresSteps, useOldScheduling)
            .Select(e => (e.EndStep, IndexOf(e.Prompt))).ToList();
        int total = hiresSteps ?? steps;
        return new PromptConditioningPlan(texts, positive, negative, tags, total);
    }

    /// <summary>The positive conditioning of model call <paramref name="callIndex"/>: one (text index, weight)
    /// per AND part, combined as uncond + Σ wᵢ·cfg·(condᵢ − uncond).</summary>
    public IReadOnlyList<(int TextIndex, double Weight)> PositiveAt(int callIndex)
    {
        var result = new (int, double)[Positive.Count];
        for (int i = 0; i < result.Length; i++)
        {
            var schedule = Positive[i].Schedule;
            result[i] = (schedule[PromptSchedule.IndexAt(schedule, callIndex)].TextIndex, Positive[i].Weight);
        }
        return result;
    }

    /// <summary>The negative text (index into <see cref="Texts"/>) of model call <paramref name="callIndex"/>.</summary>
    public int NegativeAt(int callIndex) => Negative[PromptSchedule.IndexAt(Negative, callIndex)].TextIndex;
}
