namespace WebUI.Diffusion.Sampling;

/// <summary>
/// The discrete DDPM noise schedule of SD 1.x/2.x/XL seen from k-diffusion: a table of 1000 σ values
/// (σ_t = √((1−ᾱ_t)/ᾱ_t)) with log-σ interpolation between entries (diffusion-reference §1.1, §1.5).
/// All scalar math is double; the table is built in float64 as CompVis/k-diffusion do.
/// </summary>
public sealed class NoiseSchedule
{
    public const int TrainingSteps = 1000;

    readonly double[] _sigmas;
    readonly double[] _logSigmas;

    public NoiseSchedule(double[] alphasCumprod)
    {
        if (alphasCumprod.Length < 2) throw new ArgumentException("A noise schedule needs at least two timesteps.", nameof(alphasCumprod));
        AlphasCumprod = alphasCumprod;
        _sigmas = alphasCumprod.Select(a => Math.Sqrt((1 - a) / a)).ToArray();
        _logSigmas = _sigmas.Select(s => Math.Log(s)).ToArray();
    }

    /// <summary>SD's "scaled_linear" betas: linear in √β from 0.00085 to 0.012 over 1000 steps.</summary>
    public static NoiseSchedule ScaledLinear(double betaStart = 0.00085, double betaEnd = 0.012, int steps = TrainingSteps)
    {
        var ac = new double[steps];
        double prod = 1, s0 = Math.Sqrt(betaStart), s1 = Math.Sqrt(betaEnd);
        for (int i = 0; i < steps; i++)
        {
            double sb = s0 + (s1 - s0) * i / (steps - 1);
            prod *= 1 - sb * sb;
            ac[i] = prod;
        }
        return new NoiseSchedule(ac);
    }

    /// <summary>Plain "linear" betas (diffusers' `linear`): linear in β.</summary>
    public static NoiseSchedule Linear(double betaStart = 0.00085, double betaEnd = 0.012, int steps = TrainingSteps)
    {
        var ac = new double[steps];
        double prod = 1;
        for (int i = 0; i < steps; i++)
        {
            prod *= 1 - (betaStart + (betaEnd - betaStart) * i / (steps - 1));
            ac[i] = prod;
        }
        return new NoiseSchedule(ac);
    }

    public static NoiseSchedule Default { get; } = ScaledLinear();

    public IReadOnlyList<double> AlphasCumprod { get; }
    public IReadOnlyList<double> Sigmas => _sigmas;
    public int Length => _sigmas.Length;
    public double SigmaMin => _sigmas[0];
    public double SigmaMax => _sigmas[^1];

    /// <summary>σ for a real timestep t ∈ [0, T−1], interpolating linearly in log σ.</summary>
    public double TToSigma(double t)
    {
        t = Math.Clamp(t, 0, Length - 1);
        int lo = (int)Math.Floor(t), hi = (int)Math.Ceiling(t);
        double w = t - lo;
        return Math.Exp((1 - w) * _logSigmas[lo] + w * _logSigmas[hi]);
    }

    /// <summary>Continuous timestep for σ: the exact inverse of <see cref="TToSigma"/> inside the table.</summary>
    public double SigmaToT(double sigma)
    {
        double l = Math.Log(sigma);
        // largest k with L[k] <= l, clamped to <= Length-2 (binary search: L is increasing)
        int lo = 0, a = 0, b = Length - 1;
        if (l < _logSigmas[0]) lo = 0;
        else
        {
            while (a < b) { int m = (a + b + 1) / 2; if (_logSigmas[m] <= l) a = m; else b = m - 1; }
            lo = Math.Min(a, Length - 2);
        }
        int hi = lo + 1;
        double w = Math.Clamp((_logSigmas[lo] - l) / (_logSigmas[lo] - _logSigmas[hi]), 0, 1);
        return Math.Clamp((1 - w) * lo + w * hi, 0, Length - 1);
    }

    /// <summary>Nearest table index in log σ (the "quantized" timestep used for integer timestep inputs).</summary>
    public int SigmaToNearestT(double sigma)
    {
        double l = Math.Log(sigma);
        int best = 0; double bestD = double.MaxValue;
        for (int k = 0; k < _logSigmas.Length; k++)
        {
            double d = Math.Abs(l - _logSigmas[k]);
            if (d < bestD) { bestD = d; best = k; }
        }
        return best;
    }
}
