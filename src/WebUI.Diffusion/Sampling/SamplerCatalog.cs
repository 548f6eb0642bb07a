namespace WebUI.Diffusion.Sampling;

/// <summary>A resolved sampling setup: the sampler, its σ list and the labels infotext records.</summary>
public sealed record SamplingPlan(ISampler Sampler, double[] Sigmas, string SamplerName, string SchedulerLabel);

/// <summary>
/// The samplers and schedulers under A1111's names, and the resolution A1111 applies to user input
/// (aliases, old combined names such as "DPM++ 2M Karras", "Automatic" scheduling).
/// SKELETON: only Euler, Euler a and DPM++ 2M with Automatic/Uniform/Karras so far; the sampling issue fills this in.
/// </summary>
public static class SamplerCatalog
{
    public static IReadOnlyList<string> Names { get; } = ["DPM++ 2M", "Euler a", "Euler"];
    public static IReadOnlyList<string> SchedulerLabels { get; } = ["Automatic", "Uniform", "Karras"];

    public static SamplingPlan Plan(string sampler, string scheduler, int steps, NoiseSchedule schedule, SamplerOptions? options = null)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), "Steps must be at least 1.");
        var (name, label) = (sampler, string.IsNullOrEmpty(scheduler) ? "Automatic" : scheduler);
        foreach (var l in SchedulerLabels.Skip(1))
            if (name.EndsWith(" " + l, StringComparison.OrdinalIgnoreCase)) { name = name[..^(l.Length + 1)]; label = l; }
        ISampler s = name switch
        {
            "Euler" => new EulerSampler(),
            "Euler a" => new EulerAncestralSampler(),
            "DPM++ 2M" => new DpmPp2MSampler(),
            _ => throw new KeyNotFoundException($"Sampler not found: {sampler}"),
        };
        if (label == "Automatic") label = s.Name == "DPM++ 2M" ? "Karras" : "Uniform";
        double[] sigmas = label switch
        {
            "Karras" => Karras(steps, schedule.SigmaMin, schedule.SigmaMax),
            "Uniform" => Uniform(steps, schedule),
            _ => throw new KeyNotFoundException($"Scheduler not found: {scheduler}"),
        };
        return new SamplingPlan(s, sigmas, s.Name, label);
    }

    static double[] Karras(int n, double min, double max, double rho = 7)
    {
        var s = new double[n + 1];
        double a = Math.Pow(max, 1 / rho), b = Math.Pow(min, 1 / rho);
        for (int i = 0; i < n; i++) s[i] = Math.Pow(a + (n == 1 ? 0 : i / (double)(n - 1)) * (b - a), rho);
        return s;
    }

    static double[] Uniform(int n, NoiseSchedule schedule)
    {
        var s = new double[n + 1];
        double tMax = schedule.Length - 1;
        for (int i = 0; i < n; i++) s[i] = schedule.TToSigma(n == 1 ? tMax : tMax - tMax * i / (n - 1));
        return s;
    }
}

sealed class EulerSampler : ISampler
{
    public string Name => "Euler";
    public void Sample(float[] x, SamplingContext c)
    {
        var d = new float[x.Length];
        for (int i = 0; i < c.Sigmas.Length - 1; i++)
        {
            c.CancellationToken.ThrowIfCancellationRequested();
            double s = c.Sigmas[i], sn = c.Sigmas[i + 1];
            c.Model.Denoise(x, s, d);
            for (int k = 0; k < x.Length; k++) x[k] += (float)((x[k] - d[k]) / s * (sn - s));
            c.Callback?.Invoke(new SamplerStep(i, c.Sigmas.Length - 1, s, x, d));
        }
    }
}

sealed class EulerAncestralSampler : ISampler
{
    public string Name => "Euler a";
    public void Sample(float[] x, SamplingContext c)
    {
        var d = new float[x.Length];
        var n = new float[x.Length];
        double eta = c.Options.Eta ?? 1.0;
        for (int i = 0; i < c.Sigmas.Length - 1; i++)
        {
            c.CancellationToken.ThrowIfCancellationRequested();
            double s = c.Sigmas[i], sn = c.Sigmas[i + 1];
            c.Model.Denoise(x, s, d);
            double up = Math.Min(sn, eta * Math.Sqrt(sn * sn * (s * s - sn * sn) / (s * s)));
            double down = Math.Sqrt(sn * sn - up * up);
            for (int k = 0; k < x.Length; k++) x[k] += (float)((x[k] - d[k]) / s * (down - s));
            if (sn > 0)
            {
                c.Noise.Next(n);
                for (int k = 0; k < x.Length; k++) x[k] += (float)(n[k] * c.Options.SNoise * up);
            }
            c.Callback?.Invoke(new SamplerStep(i, c.Sigmas.Length - 1, s, x, d));
        }
    }
}

sealed class DpmPp2MSampler : ISampler
{
    public string Name => "DPM++ 2M";
    public void Sample(float[] x, SamplingContext c)
    {
        var d = new float[x.Length];
        float[]? old = null;
        for (int i = 0; i < c.Sigmas.Length - 1; i++)
        {
            c.CancellationToken.ThrowIfCancellationRequested();
            double s = c.Sigmas[i], sn = c.Sigmas[i + 1];
            c.Model.Denoise(x, s, d);
            if (old is null || sn == 0)
                for (int k = 0; k < x.Length; k++) x[k] = (float)(sn / s * x[k] + (1 - sn / s) * d[k]);
            else
            {
                double h = Math.Log(s / sn), hl = Math.Log(c.Sigmas[i - 1] / s), r = hl / h;
                for (int k = 0; k < x.Length; k++)
                {
                    double dd = (1 + 1 / (2 * r)) * d[k] - 1 / (2 * r) * old[k];
                    x[k] = (float)(sn / s * x[k] + (1 - sn / s) * dd);
                }
            }
            old ??= new float[x.Length];
            d.CopyTo(old, 0);
            c.Callback?.Invoke(new SamplerStep(i, c.Sigmas.Length - 1, s, x, d));
        }
    }
}
