namespace WebUI.Diffusion.Sampling.Samplers;

/// <summary>
/// k-diffusion <c>sample_dpm_2</c>: midpoint method with the midpoint at the geometric mean of σ̂ and σ'
/// (DPM-Solver-2); the last step to σ = 0 is plain Euler (2N − 1 calls). A1111 discards the penultimate σ for it.
/// </summary>
sealed class Dpm2Sampler : ISampler
{
    public string Name => "DPM2";

    public void Sample(float[] x, SamplingContext c)
    {
        var s = c.Sigmas;
        int n = s.Length - 1;
        var den = new float[x.Length];
        var x2 = new float[x.Length];
        var den2 = new float[x.Length];
        float[]? noise = null;
        for (int i = 0; i < n; i++)
        {
            c.CancellationToken.ThrowIfCancellationRequested();
            double hat = SamplerMath.Churn(c, i, x, ref noise);
            c.Model.Denoise(x, hat, den);
            if (s[i + 1] == 0)
            {
                double k = (s[i + 1] - hat) / hat;
                for (int j = 0; j < x.Length; j++) x[j] += (float)((x[j] - den[j]) * k);
            }
            else
            {
                double mid = Math.Exp(0.5 * (Math.Log(hat) + Math.Log(s[i + 1])));
                double k1 = (mid - hat) / hat;
                for (int j = 0; j < x.Length; j++) x2[j] = (float)(x[j] + (x[j] - den[j]) * k1);
                c.CancellationToken.ThrowIfCancellationRequested();
                c.Model.Denoise(x2, mid, den2);
                double k2 = (s[i + 1] - hat) / mid;
                for (int j = 0; j < x.Length; j++) x[j] += (float)((x2[j] - den2[j]) * k2);
            }
            SamplerMath.Report(c, i, n, s[i], x, den);
        }
    }
}
