namespace WebUI.Diffusion.Sampling.Samplers;

/// <summary>k-diffusion <c>sample_dpm_2_ancestral</c>: DPM2's midpoint step down to σ_down, then fresh noise σ_up (2N − 1 calls).</summary>
sealed class Dpm2AncestralSampler : ISampler
{
    public string Name => "DPM2 a";

    public void Sample(float[] x, SamplingContext c)
    {
        var s = c.Sigmas;
        int n = s.Length - 1;
        double eta = c.Options.Eta ?? 1.0;
        var den = new float[x.Length];
        var x2 = new float[x.Length];
        var den2 = new float[x.Length];
        var noise = new float[x.Length];
        for (int i = 0; i < n; i++)
        {
            c.CancellationToken.ThrowIfCancellationRequested();
            c.Model.Denoise(x, s[i], den);
            var (down, up) = SamplerMath.Ancestral(s[i], s[i + 1], eta);
            if (down == 0)
            {
                double k = (down - s[i]) / s[i];
                for (int j = 0; j < x.Length; j++) x[j] += (float)((x[j] - den[j]) * k);
            }
            else
            {
                double mid = Math.Exp(0.5 * (Math.Log(s[i]) + Math.Log(down)));
                double k1 = (mid - s[i]) / s[i];
                for (int j = 0; j < x.Length; j++) x2[j] = (float)(x[j] + (x[j] - den[j]) * k1);
                c.CancellationToken.ThrowIfCancellationRequested();
                c.Model.Denoise(x2, mid, den2);
                double k2 = (down - s[i]) / mid;
                for (int j = 0; j < x.Length; j++) x[j] += (float)((x2[j] - den2[j]) * k2);
            }
            SamplerMath.AddNoise(c, x, noise, up * c.Options.SNoise);
            SamplerMath.Report(c, i, n, s[i], x, den);
        }
    }
}
