namespace WebUI.Diffusion.Sampling.Samplers;

/// <summary>k-diffusion <c>sample_euler</c> (Karras Alg. 2 with optional churn). One model call per step.</summary>
sealed class EulerSampler : ISampler
{
    public string Name => "Euler";

    public void Sample(float[] x, SamplingContext c)
    {
        var s = c.Sigmas;
        int n = s.Length - 1;
        var d = new float[x.Length];
        float[]? noise = null;
        for (int i = 0; i < n; i++)
        {
            c.CancellationToken.ThrowIfCancellationRequested();
            double hat = SamplerMath.Churn(c, i, x, ref noise);
            c.Model.Denoise(x, hat, d);
            // x += (x − D)/σ̂ · (σ' − σ̂)
            double k = (s[i + 1] - hat) / hat;
            for (int j = 0; j < x.Length; j++) x[j] += (float)((x[j] - d[j]) * k);
            SamplerMath.Report(c, i, n, s[i], x, d);
        }
    }
}
