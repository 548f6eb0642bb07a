using System.Globalization;
using System.Text;

namespace WebUI.Diffusion.Text;

/// <summary>
/// A1111's prompt editing (<c>get_learned_conditioning_prompt_schedules</c>): <c>[from:to:when]</c>,
/// <c>[to:when]</c>, <c>[from::when]</c>, alternation <c>[a|b]</c> and nesting, turned into the list of
/// (end step, text) pairs. At sampling time model call s (0-based, counted over the sampler's total model calls)
/// uses the first entry with s ≤ EndStep (see <see cref="TextAt"/>).
/// </summary>
public static class PromptSchedule
{
    /// <summary>
    /// The schedule of one prompt (a single AND part; emphasis brackets stay in the texts).
    /// <paramref name="steps"/> is the number of model calls the schedule spans (steps × 2 for second-order
    /// samplers). With <paramref name="hiresSteps"/> the schedule is the hires pass's: integers count on from the
    /// base steps (25 with 20 base steps = hires step 5) and fractions from 1.0 (1.5 = halfway through hires).
    /// <paramref name="useOldScheduling"/> is A1111's "use_old_scheduling" (v &lt; 1 is a fraction, no hires offsets).
    /// </summary>
    public static IReadOnlyList<(int EndStep, string Prompt)> Get(string prompt, int steps, int? hiresSteps = null,
        bool useOldScheduling = false)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "Steps must be at least 1.");
        if (hiresSteps is < 1) throw new ArgumentOutOfRangeException(nameof(hiresSteps), hiresSteps, "Hires steps must be at least 1.");

        var timing = hiresSteps is null || useOldScheduling
            ? new Timing(steps, 0, 0, useOldScheduling)
            : new Timing(hiresSteps.Value, steps, 1.0, false);

        var tree = ScheduleParser.Parse(prompt);
        if (tree is null) return [(timing.Steps, prompt)];

        var boundaries = new SortedSet<int> { timing.Steps };
        CollectBoundaries(tree, timing, boundaries);
        var result = new List<(int, string)>(boundaries.Count);
        foreach (int t in boundaries)
        {
            var sb = new StringBuilder(prompt.Length);
            Render(tree, t, timing, sb);
            result.Add((t, sb.ToString()));
        }
        return result;
    }

    /// <summary>The text a schedule gives model call <paramref name="callIndex"/> (0-based): the first entry
    /// whose end step is ≥ the index. Past the last entry A1111 falls back to the FIRST entry (its
    /// <c>reconstruct_cond_batch</c> starts from index 0), which only happens when a sampler makes more model
    /// calls than the schedule was computed for.</summary>
    public static string TextAt(IReadOnlyList<(int EndStep, string Prompt)> schedule, int callIndex) =>
        schedule[IndexAt(schedule, callIndex)].Prompt;

    /// <summary>Index of the schedule entry model call <paramref name="callIndex"/> uses (see <see cref="TextAt"/>).</summary>
    public static int IndexAt<T>(IReadOnlyList<(int EndStep, T Value)> schedule, int callIndex)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (schedule.Count == 0) throw new ArgumentException("A schedule has at least one entry.", nameof(schedule));
        for (int i = 0; i < schedule.Count; i++)
            if (callIndex <= schedule[i].EndStep) return i;
        return 0;
    }

    readonly record struct Timing(int Steps, int IntOffset, double FloatOffset, bool Old)
    {
        /// <summary>min(steps, int(v)) as A1111 computes it; a double so huge values cannot overflow.</summary>
        public double When(string number)
        {
            double v = double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture);
            if (Old) v = v < 1 ? v * Steps : v;
            else if (number.Contains('.')) v = (v - FloatOffset) * Steps;
            else v -= IntOffset;
            return Math.Min(Steps, Math.Truncate(v));
        }
    }

    static void CollectBoundaries(ScheduleNode node, Timing timing, SortedSet<int> boundaries)
    {
        switch (node)
        {
            case SequenceNode seq:
                foreach (var item in seq.Items) CollectBoundaries(item, timing, boundaries);
                break;
            case ScheduledNode sched:
                if (sched.Before is not null) CollectBoundaries(sched.Before, timing, boundaries);
                CollectBoundaries(sched.After, timing, boundaries);
                double when = timing.When(sched.When);
                if (when >= 1) boundaries.Add((int)when);
                break;
            case AlternateNode alt:
                foreach (var option in alt.Options) CollectBoundaries(option, timing, boundaries);
                for (int s = 1; s <= timing.Steps; s++) boundaries.Add(s);
                break;
        }
    }

    static void Render(ScheduleNode node, int step, Timing timing, StringBuilder sb)
    {
        switch (node)
        {
            case TextNode text:
                sb.Append(text.Text);
                break;
            case SequenceNode seq:
                foreach (var item in seq.Items) Render(item, step, timing, sb);
                break;
            case ScheduledNode sched:
                var chosen = step <= timing.When(sched.When) ? sched.Before : sched.After;
                if (chosen is not null) Render(chosen, step, timing, sb);
                break;
            case AlternateNode alt:
                Render(alt.Options[(step - 1) % alt.Options.Count], step, timing, sb);
                break;
        }
    }
}
