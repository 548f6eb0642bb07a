namespace WebUI.Diffusion.Sampling.Schedules;

/// <summary>
/// A1111's schedulers (<c>modules/sd_schedulers.py</c> and k-diffusion's <c>get_sigmas_*</c>), in float64.
/// Each takes n (the step count, +1 when a sampler discards the penultimate σ) and returns n σ values followed by
/// a final 0 — except KL Optimal, which A1111 returns as n+1 values ending at σ_min, and the DDIM scheduler, whose
/// length follows its stride (diffusion-reference §2.1, a1111-reference §5.2).
/// </summary>
public static class SigmaSchedules
{
    /// <summary>Karras et al. (2022): σ_k = (σmax^(1/ρ) + k/(n−1)·(σmin^(1/ρ) − σmax^(1/ρ)))^ρ.</summary>
    public static double[] Karras(int n, double sigmaMin, double sigmaMax, double rho = 7.0)
    {
        var ramp = Linspace.Of(0, 1, n);
        double a = Math.Pow(sigmaMax, 1 / rho), b = Math.Pow(sigmaMin, 1 / rho);
        return WithZero(n, i => Math.Pow(a + ramp[i] * (b - a), rho));
    }

    /// <summary>Log-linear from σmax to σmin.</summary>
    public static double[] Exponential(int n, double sigmaMin, double sigmaMax)
    {
        var l = Linspace.Of(Math.Log(sigmaMax), Math.Log(sigmaMin), n);
        return WithZero(n, i => Math.Exp(l[i]));
    }

    /// <summary>σ = exp(r^ρ·(ln σmax − ln σmin) + ln σmin) with r = linspace(1, 0, n); ρ = 1 is Exponential.</summary>
    public static double[] Polyexponential(int n, double sigmaMin, double sigmaMax, double rho = 1.0)
    {
        var ramp = Linspace.Of(1, 0, n);
        double lmin = Math.Log(sigmaMin), lmax = Math.Log(sigmaMax);
        return WithZero(n, i => Math.Exp(Math.Pow(ramp[i], rho) * (lmax - lmin) + lmin));
    }

    /// <summary>"Uniform": the model's own get_sigmas(n) — t = linspace(T−1, 0, n) through t_to_sigma.</summary>
    public static double[] Uniform(int n, NoiseSchedule schedule) => Uniform(n, ModelSigmas.Of(schedule));
    public static double[] Uniform(int n, ModelSigmas model) => model.GetSigmas(n);

    /// <summary>"SGM Uniform": t = linspace(t(σmax), t(σmin), n+1) without its last point.</summary>
    public static double[] SgmUniform(int n, double sigmaMin, double sigmaMax, NoiseSchedule schedule) =>
        SgmUniform(n, sigmaMin, sigmaMax, ModelSigmas.Of(schedule));
    public static double[] SgmUniform(int n, double sigmaMin, double sigmaMax, ModelSigmas model)
    {
        var t = Linspace.Of(model.SigmaToT(sigmaMax), model.SigmaToT(sigmaMin), n + 1);
        return WithZero(n, i => model.TToSigma(t[i]));
    }

    /// <summary>"Normal": t = linspace(t(σmax), t(σmin), n).</summary>
    public static double[] Normal(int n, double sigmaMin, double sigmaMax, NoiseSchedule schedule) =>
        Normal(n, sigmaMin, sigmaMax, ModelSigmas.Of(schedule));
    public static double[] Normal(int n, double sigmaMin, double sigmaMax, ModelSigmas model)
    {
        var t = Linspace.Of(model.SigmaToT(sigmaMax), model.SigmaToT(sigmaMin), n);
        return WithZero(n, i => model.TToSigma(t[i]));
    }

    /// <summary>"KL Optimal": σ_i = tan(i/n·atan σmin + (1 − i/n)·atan σmax), i = 0..n — n+1 values, no final 0 (as A1111).</summary>
    public static double[] KlOptimal(int n, double sigmaMin, double sigmaMax)
    {
        double amin = Math.Atan(sigmaMin), amax = Math.Atan(sigmaMax);
        var s = new double[n + 1];
        for (int i = 0; i <= n; i++)
        {
            double f = (double)i / n;
            s[i] = Math.Tan(f * amin + (1.0 - f) * amax);
        }
        return s;
    }

    static readonly double[] AysSd15 = [14.615, 6.475, 3.861, 2.697, 1.886, 1.396, 0.963, 0.652, 0.399, 0.152, 0.029];
    static readonly double[] AysSdxl = [14.615, 6.315, 3.771, 2.181, 1.342, 0.862, 0.555, 0.380, 0.234, 0.113, 0.029];

    /// <summary>
    /// NVIDIA's Align Your Steps lists (SD 1.5 or SDXL); for n ≠ 11 resampled log-linearly to n values.
    /// Returns n values and a final 0.
    /// </summary>
    public static double[] AlignYourSteps(int n, bool sdxl)
    {
        var src = sdxl ? AysSdxl : AysSd15;
        if (n == src.Length) return [.. src, 0.0];
        // np.interp over the ascending list, at linspace(0, 1, n), then reversed back to descending.
        int m = src.Length;
        var xs = Linspace.Of(0, 1, m);
        var ys = new double[m];
        for (int k = 0; k < m; k++) ys[k] = Math.Log(src[m - 1 - k]);
        var nx = Linspace.Of(0, 1, n);
        var s = new double[n + 1];
        for (int i = 0; i < n; i++) s[n - 1 - i] = Math.Exp(Interp(nx[i], xs, ys));
        return s;
    }

    /// <summary>"Simple": ss = T/n; σ_x = table[T − 1 − ⌊x·ss⌋].</summary>
    public static double[] Simple(int n, NoiseSchedule schedule) => Simple(n, ModelSigmas.Of(schedule));
    public static double[] Simple(int n, ModelSigmas model)
    {
        double ss = (double)model.Length / n;
        return WithZero(n, x => model.Sigma(model.Length - 1 - (int)(x * ss)));
    }

    /// <summary>"DDIM": every ss-th table entry from index 1 (ss = max(T div n, 1)), descending, then 0.</summary>
    public static double[] Ddim(int n, NoiseSchedule schedule) => Ddim(n, ModelSigmas.Of(schedule));
    public static double[] Ddim(int n, ModelSigmas model)
    {
        int ss = Math.Max(model.Length / n, 1);
        var picked = new List<double>();
        for (int x = 1; x < model.Length; x += ss) picked.Add(model.Sigma(x));
        picked.Reverse();
        picked.Add(0);
        return [.. picked];
    }

    /// <summary>
    /// "Beta" (Lee et al. 2024, A1111 1.10): σ_i = σmin + BetaPPF(1 − i/(n−1); α, β)·(σmax − σmin), then 0.
    /// </summary>
    public static double[] Beta(int n, double sigmaMin, double sigmaMax, double alpha = 0.6, double beta = 0.6)
    {
        var ramp = Linspace.Of(0, 1, n);
        return WithZero(n, i => sigmaMin + BetaDistribution.InverseCdf(1 - ramp[i], alpha, beta) * (sigmaMax - sigmaMin));
    }

    static double[] WithZero(int n, Func<int, double> f)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), "A schedule needs at least one step.");
        var s = new double[n + 1];
        for (int i = 0; i < n; i++) s[i] = f(i);
        return s;
    }

    /// <summary>np.interp for increasing xs (clamped at the ends).</summary>
    static double Interp(double x, double[] xs, double[] ys)
    {
        if (x <= xs[0]) return ys[0];
        if (x >= xs[^1]) return ys[^1];
        int k = 1;
        while (xs[k] < x) k++;
        double w = (x - xs[k - 1]) / (xs[k] - xs[k - 1]);
        return ys[k - 1] + w * (ys[k] - ys[k - 1]);
    }
}
