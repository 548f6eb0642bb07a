namespace WebUI.Diffusion.Sampling.Samplers;

/// <summary>
/// k-diffusion <c>sample_dpmpp_2m_sde</c> (η = 1, s_noise = 1), solver "midpoint" ("DPM++ 2M SDE") or "heun"
/// ("DPM++ 2M SDE Heun"). One call per step. k-diffusion samples its noise from a Brownian tree; each step uses one
/// draw over a disjoint σ interval, so independent N(0, I) draws from the context's noise source have exactly the
/// same distribution (only the seed → image mapping differs from A1111).
/// </summary>
sealed class DpmPp2MSdeSampler(bool heun) : ISampler
{
    public string Name => heun ? "DPM++ 2M SDE Heun" : "DPM++ 2M SDE";

    public void Sample(float[] x, SamplingContext c)
    {
        var s = c.Sigmas;
        int n = s.Length - 1;
        double eta = c.Options.Eta ?? 1.0, sNoise = c.Options.SNoise;
        var den = new float[x.Length];
        var old = new float[x.Length];
        var noise = new float[x.Length];
        bool haveOld = false;
        double hLast = 0;
        for (int i = 0; i < n; i++)
        {
            c.CancellationToken.ThrowIfCancellationRequested();
            c.Model.Denoise(x, s[i], den);
            if (s[i + 1] == 0)
            {
                Array.Copy(den, x, x.Length);
            }
            else
            {
                double h = Math.Log(s[i] / s[i + 1]), etaH = eta * h;
                double phi = -SamplerMath.Expm1(-h - etaH);             // 1 − e^(−h−ηh)
                double a = s[i + 1] / s[i] * Math.Exp(-etaH);
                double corr = 0;
                if (haveOld)
                {
                    double r = hLast / h;
                    corr = heun ? (phi / (-h - etaH) + 1) / r : 0.5 * phi / r;
                }
                for (int j = 0; j < x.Length; j++)
                    x[j] = (float)(a * x[j] + phi * den[j] + corr * (den[j] - old[j]));
                if (eta != 0)
                    SamplerMath.AddNoise(c, x, noise, s[i + 1] * Math.Sqrt(-SamplerMath.Expm1(-2 * etaH)) * sNoise);
                hLast = h;
            }
            Array.Copy(den, old, x.Length);
            haveOld = true;
            SamplerMath.Report(c, i, n, s[i], x, den);
        }
    }
}
