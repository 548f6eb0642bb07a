namespace WebUI.Diffusion.Sampling.Samplers;

/// <summary>
/// k-diffusion <c>sample_dpmpp_3m_sde</c> (η = 1, s_noise = 1): third-order multistep DPM-Solver++ SDE, one call
/// per step. Noise as in DPM++ 2M SDE: one draw per step over disjoint σ intervals, so independent draws match the
/// Brownian tree in distribution.
/// </summary>
sealed class DpmPp3MSdeSampler : ISampler
{
    public string Name => "DPM++ 3M SDE";

    public void Sample(float[] x, SamplingContext c)
    {
        var s = c.Sigmas;
        int n = s.Length - 1;
        double eta = c.Options.Eta ?? 1.0, sNoise = c.Options.SNoise;
        var den = new float[x.Length];
        var den1 = new float[x.Length];   // D of the previous step
        var den2 = new float[x.Length];   // D two steps back
        var noise = new float[x.Length];
        double h1 = double.NaN, h2 = double.NaN;   // NaN = not defined yet
        for (int i = 0; i < n; i++)
        {
            c.CancellationToken.ThrowIfCancellationRequested();
            c.Model.Denoise(x, s[i], den);
            double h = double.NaN;
            if (s[i + 1] == 0)
            {
                Array.Copy(den, x, x.Length);
            }
            else
            {
                h = Math.Log(s[i] / s[i + 1]);
                double hEta = h * (eta + 1);
                double e = Math.Exp(-hEta), oneMinus = -SamplerMath.Expm1(-hEta);
                double phi2 = SamplerMath.Expm1(-hEta) / hEta + 1;
                if (!double.IsNaN(h2))
                {
                    double r0 = h1 / h, r1 = h2 / h;
                    double phi3 = phi2 / hEta - 0.5;
                    for (int j = 0; j < x.Length; j++)
                    {
                        double d10 = (den[j] - den1[j]) / r0, d11 = (den1[j] - den2[j]) / r1;
                        double d1 = d10 + (d10 - d11) * r0 / (r0 + r1), d2 = (d10 - d11) / (r0 + r1);
                        x[j] = (float)(e * x[j] + oneMinus * den[j] + phi2 * d1 - phi3 * d2);
                    }
                }
                else if (!double.IsNaN(h1))
                {
                    double r = h1 / h;
                    for (int j = 0; j < x.Length; j++)
                        x[j] = (float)(e * x[j] + oneMinus * den[j] + phi2 * (den[j] - den1[j]) / r);
                }
                else
                {
                    for (int j = 0; j < x.Length; j++) x[j] = (float)(e * x[j] + oneMinus * den[j]);
                }
                if (eta != 0)
                    SamplerMath.AddNoise(c, x, noise, s[i + 1] * Math.Sqrt(-SamplerMath.Expm1(-2 * h * eta)) * sNoise);
            }
            // shift history: D2 ← D1 ← D, h2 ← h1 ← h
            Array.Copy(den1, den2, x.Length);
            Array.Copy(den, den1, x.Length);
            h2 = h1; h1 = h;
            SamplerMath.Report(c, i, n, s[i], x, den);
        }
    }
}
