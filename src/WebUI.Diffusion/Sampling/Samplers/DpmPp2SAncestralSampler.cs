namespace WebUI.Diffusion.Sampling.Samplers;

/// <summary>
/// k-diffusion <c>sample_dpmpp_2s_ancestral</c>: single-step DPM-Solver++(2S) down to σ_down with its midpoint at
/// √(σ·σ_down), then ancestral noise σ_up (2N − 1 calls). η = 0 gives deterministic DPM++ 2S.
/// </summary>
sealed class DpmPp2SAncestralSampler : ISampler
{
    public string Name => "DPM++ 2S a";

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
                Array.Copy(den, x, x.Length);   // Euler step to 0 lands exactly on D
            }
            else
            {
                double mid = Math.Sqrt(s[i] * down);
                Array.Copy(x, x2, x.Length);
                SamplerMath.FirstOrder(x2, den, s[i], mid);
                c.CancellationToken.ThrowIfCancellationRequested();
                c.Model.Denoise(x2, mid, den2);
                SamplerMath.FirstOrder(x, den2, s[i], down);
            }
            if (s[i + 1] > 0) SamplerMath.AddNoise(c, x, noise, up * c.Options.SNoise);
            SamplerMath.Report(c, i, n, s[i], x, den);
        }
    }
}
