namespace WebUI.Diffusion.Sampling.Schedules;

/// <summary>
/// The σ lists of A1111's timestep samplers (<c>sd_samplers_timesteps.py</c>), expressed in k-diffusion σ so that
/// DDIM, PLMS and UniPC run over the same σ-space denoiser as the k-samplers (ᾱ = 1/(1+σ²)).
/// </summary>
public static class TimestepGrids
{
    /// <summary>
    /// A1111 ≥ 1.6 grid: clip(range(0, T, T div n) + 1, 0, T−1), ascending. Its length is ⌈T/(T div n)⌉, which equals
    /// n when n divides T (20 steps → 1, 51, …, 951) and can be n+1 otherwise (30 steps → 31 timesteps).
    /// </summary>
    public static int[] Timesteps(int n, int trainingSteps = NoiseSchedule.TrainingSteps)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), "Steps must be at least 1.");
        int stride = Math.Max(trainingSteps / n, 1);
        var t = new List<int>();
        for (int k = 0; k < trainingSteps; k += stride) t.Add(Math.Min(k + 1, trainingSteps - 1));
        return [.. t];
    }

    /// <summary>
    /// DDIM / DDIM CFG++ / PLMS: σ(t) of the grid, descending, without a final 0. A1111 runs len−1 steps, each from
    /// σ(t_k) to σ(t_{k−1}), so the result stays at σ(t=1) ≈ 0.0413 (N−1 model calls for DDIM when n divides 1000).
    /// </summary>
    public static double[] DdimSigmas(int n, NoiseSchedule schedule)
    {
        var t = Timesteps(n, schedule.Length);
        var s = new double[t.Length];
        for (int i = 0; i < t.Length; i++) s[i] = schedule.Sigmas[t[t.Length - 1 - i]];
        return s;
    }

    /// <summary>
    /// UniPC (A1111 <c>uni_pc</c>, NoiseScheduleVP 'discrete'): <paramref name="steps"/> = the DDIM grid length;
    /// continuous times t ∈ [1/T, 1] spaced per <paramref name="skipType"/> ("time_uniform", "time_quadratic",
    /// "logSNR"); log α(t) interpolated piecewise-linearly in t through ½·ln ᾱ at t = (k+1)/T; k-space σ = √(α⁻² − 1).
    /// Returns steps+1 values ending at σ(t = 1/T) = σ_min, no final 0.
    /// </summary>
    public static double[] UniPcSigmas(int steps, NoiseSchedule schedule, string skipType)
    {
        int total = schedule.Length;
        double tT = 1.0, t0 = 1.0 / total;
        var s = new double[steps + 1];
        switch (skipType)
        {
            case "time_uniform":
            {
                var t = Linspace.Of(tT, t0, steps + 1);
                for (int i = 0; i <= steps; i++) s[i] = SigmaAt(t[i], schedule);
                break;
            }
            case "time_quadratic":
            {
                var r = Linspace.Of(Math.Sqrt(tT), Math.Sqrt(t0), steps + 1);
                for (int i = 0; i <= steps; i++) s[i] = SigmaAt(r[i] * r[i], schedule);
                break;
            }
            case "logSNR":
            {
                // λ = −ln σ is spaced uniformly, so σ is exponential between the two ends.
                var l = Linspace.Of(-Math.Log(SigmaAt(tT, schedule)), -Math.Log(SigmaAt(t0, schedule)), steps + 1);
                for (int i = 0; i <= steps; i++) s[i] = Math.Exp(-l[i]);
                break;
            }
            default:
                throw new ArgumentException($"Unknown UniPC skip type '{skipType}'. Expected time_uniform, time_quadratic or logSNR.", nameof(skipType));
        }
        return s;
    }

    /// <summary>k-space σ at continuous VP time t (uni_pc's discrete NoiseScheduleVP).</summary>
    internal static double SigmaAt(double t, NoiseSchedule schedule)
    {
        int n = schedule.Length;
        // keypoints x_k = (k+1)/n, y_k = ½ ln ᾱ_k; linear extrapolation beyond the ends, like uni_pc's interpolate_fn.
        double u = t * n - 1;
        int lo = Math.Clamp((int)Math.Floor(u), 0, n - 2);
        double w = u - lo;
        double y0 = 0.5 * Math.Log(schedule.AlphasCumprod[lo]), y1 = 0.5 * Math.Log(schedule.AlphasCumprod[lo + 1]);
        double logAlpha = y0 + w * (y1 - y0);
        return Math.Sqrt(Math.Exp(-2 * logAlpha) - 1);
    }
}
