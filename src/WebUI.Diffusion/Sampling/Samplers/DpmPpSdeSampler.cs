namespace WebUI.Diffusion.Sampling.Samplers;

/// <summary>
/// k-diffusion <c>sample_dpmpp_sde</c> (η = 1, s_noise = 1, r = ½): two-stage DPM-Solver++ SDE step with the
/// intermediate point at σ_s = σ^(1−r)·σ'^r (2N − 1 calls).
/// <para>
/// Noise: k-diffusion draws both noises from a torchsde Brownian tree W(σ), n1 = ΔW over [σ_s, σ] and
/// n2 = ΔW over [σ', σ] (each normalized). They are correlated, corr = ρ = √((σ − σ_s)/(σ − σ')), because the first
/// interval lies inside the second. This implementation draws two independent N(0, I) tensors z1, z2 per step from
/// the context's noise source and uses n1 = z1, n2 = ρ·z1 + √(1−ρ²)·z2: exactly the joint law of the Brownian-tree
/// pair (so the same output distribution, final variance 0.242 in the Gaussian test of diffusion-reference §8.10),
/// but not torchsde's values — seeds do not reproduce A1111's images, and unlike the tree the noise over a σ
/// interval changes when the step count changes. Independent n1, n2 would be wrong in distribution (0.188).
/// </para>
/// </summary>
sealed class DpmPpSdeSampler : ISampler
{
    const double R = 0.5;
    public string Name => "DPM++ SDE";

    public void Sample(float[] x, SamplingContext c)
    {
        var s = c.Sigmas;
        int n = s.Length - 1;
        double eta = c.Options.Eta ?? 1.0, sNoise = c.Options.SNoise;
        var den = new float[x.Length];
        var x2 = new float[x.Length];
        var den2 = new float[x.Length];
        var z1 = new float[x.Length];
        var z2 = new float[x.Length];
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
                double sigma = s[i], next = s[i + 1];
                double mid = Math.Pow(sigma, 1 - R) * Math.Pow(next, R);
                var (down1, up1) = SamplerMath.Ancestral(sigma, mid, eta);
                var (down2, up2) = SamplerMath.Ancestral(sigma, next, eta);
                bool noisy = up1 > 0 || up2 > 0;
                if (noisy) { c.Noise.Next(z1); c.Noise.Next(z2); }

                // stage 1: to σ_down(σ → σ_s), noise n1 = z1
                Array.Copy(x, x2, x.Length);
                SamplerMath.FirstOrder(x2, den, sigma, down1);
                if (up1 > 0) SamplerMath.AddScaled(x2, z1, up1 * sNoise);
                c.CancellationToken.ThrowIfCancellationRequested();
                c.Model.Denoise(x2, mid, den2);

                // stage 2: from x with D_d = (1 − 1/2r)·D + (1/2r)·D2, noise n2 = ρ·z1 + √(1−ρ²)·z2
                double fac = 1 / (2 * R), ratio = down2 / sigma;
                for (int j = 0; j < x.Length; j++)
                {
                    double dd = (1 - fac) * den[j] + fac * den2[j];
                    x[j] = (float)(ratio * x[j] + (1 - ratio) * dd);
                }
                if (up2 > 0)
                {
                    double rho = Math.Sqrt((sigma - mid) / (sigma - next)), rest = Math.Sqrt(1 - rho * rho);
                    double a = up2 * sNoise * rho, b = up2 * sNoise * rest;
                    for (int j = 0; j < x.Length; j++) x[j] += (float)(a * z1[j] + b * z2[j]);
                }
            }
            SamplerMath.Report(c, i, n, s[i], x, den);
        }
    }
}
