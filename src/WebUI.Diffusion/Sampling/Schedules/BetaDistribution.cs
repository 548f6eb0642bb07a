namespace WebUI.Diffusion.Sampling.Schedules;

/// <summary>
/// The Beta(α, β) distribution's CDF (regularized incomplete beta I_x(α, β)) and its inverse, which A1111's
/// Beta scheduler takes from scipy.stats.beta.ppf. Accurate to ~1e-13; the inverse bisects the monotone CDF.
/// </summary>
public static class BetaDistribution
{
    public static double Cdf(double x, double a, double b)
    {
        if (!(a > 0) || !(b > 0)) throw new ArgumentOutOfRangeException(nameof(a), "Beta distribution parameters must be positive.");
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        // The continued fraction converges fast for x < (a+1)/(a+b+2); otherwise use the symmetry I_x(a,b) = 1 − I_{1−x}(b,a).
        if (x > (a + 1) / (a + b + 2)) return 1 - Cdf(1 - x, b, a);
        double lnFront = a * Math.Log(x) + b * Math.Log(1 - x) - LogBeta(a, b);
        return Math.Exp(lnFront) * ContinuedFraction(x, a, b) / a;
    }

    /// <summary>The p-quantile: the x in [0, 1] with I_x(a, b) = p.</summary>
    public static double InverseCdf(double p, double a, double b)
    {
        if (double.IsNaN(p) || p < 0 || p > 1) throw new ArgumentOutOfRangeException(nameof(p), "A probability must be in [0, 1].");
        if (p == 0) return 0;
        if (p == 1) return 1;
        double lo = 0, hi = 1;
        for (int i = 0; i < 200 && hi - lo > 1e-16; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (Cdf(mid, a, b) < p) lo = mid; else hi = mid;
        }
        return 0.5 * (lo + hi);
    }

    /// <summary>Modified Lentz evaluation of the incomplete-beta continued fraction 1/(1+ d1/(1+ d2/(1+ …))).</summary>
    static double ContinuedFraction(double x, double a, double b)
    {
        const double tiny = 1e-300;
        double c = 1, d = 1 - (a + b) * x / (a + 1);
        if (Math.Abs(d) < tiny) d = tiny;
        d = 1 / d;
        double f = d;
        for (int m = 1; m <= 10000; m++)
        {
            // even term d_{2m} = m(b−m)x / ((a+2m−1)(a+2m))
            double num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
            d = 1 + num * d; if (Math.Abs(d) < tiny) d = tiny; d = 1 / d;
            c = 1 + num / c; if (Math.Abs(c) < tiny) c = tiny;
            f *= d * c;
            // odd term d_{2m+1} = −(a+m)(a+b+m)x / ((a+2m)(a+2m+1))
            num = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
            d = 1 + num * d; if (Math.Abs(d) < tiny) d = tiny; d = 1 / d;
            c = 1 + num / c; if (Math.Abs(c) < tiny) c = tiny;
            double delta = d * c;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        return f;
    }

    static double LogBeta(double a, double b) => LogGamma(a) + LogGamma(b) - LogGamma(a + b);

    // Lanczos approximation (g = 7, 9 terms), relative error ~1e-15 for positive arguments.
    static readonly double[] Lanczos =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];

    internal static double LogGamma(double x)
    {
        if (x < 0.5) return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        x -= 1;
        double s = Lanczos[0];
        for (int i = 1; i < Lanczos.Length; i++) s += Lanczos[i] / (x + i);
        double t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(s);
    }
}
