namespace WebUI.Diffusion.Sampling.Samplers;

/// <summary>k-diffusion <c>sample_heun</c>: Euler predictor, trapezoidal corrector; the last step to σ = 0 is plain Euler (2N − 1 calls).</summary>
sealed class HeunSampler : ISampler
{
    public string Name => "Heun";

    public void Sample(float[] x, SamplingContext c)
    {
        var s = c.Sigmas;
        int n = s.Length - 1;
        var den = new float[x.Length];
        var d = new float[x.Length];
        var x2 = new float[x.Length];
        var den2 = new float[x.Length];
        float[]? noise = null;
        for (int i = 0; i < n; i++)
        {
            c.CancellationToken.ThrowIfCancellationRequested();
            double hat = SamplerMath.Churn(c, i, x, ref noise);
            c.Model.Denoise(x, hat, den);
            for (int j = 0; j < x.Length; j++) d[j] = (float)((x[j] - den[j]) / hat);
            double dt = s[i + 1] - hat;
            if (s[i + 1] == 0)
            {
                SamplerMath.AddScaled(x, d, dt);
            }
            else
            {
                for (int j = 0; j < x.Length; j++) x2[j] = (float)(x[j] + d[j] * dt);
                c.CancellationToken.ThrowIfCancellationRequested();
                c.Model.Denoise(x2, s[i + 1], den2);
                for (int j = 0; j < x.Length; j++)
                {
                    double d2 = (x2[j] - den2[j]) / s[i + 1];
                    x[j] += (float)((d[j] + d2) / 2 * dt);
                }
            }
            SamplerMath.Report(c, i, n, s[i], x, den);
        }
    }
}
