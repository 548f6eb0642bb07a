namespace WebUI.Diffusion.Sampling.Samplers;

/// <summary>k-diffusion <c>sample_euler_ancestral</c> (η = 1, s_noise = 1 by default). One model call per step.</summary>
sealed class EulerAncestralSampler : ISampler
{
    public string Name => "Euler a";

    public void Sample(float[] x, SamplingContext c)
    {
        var s = c.Sigmas;
        int n = s.Length - 1;
        double eta = c.Options.Eta ?? 1.0;
        var d = new float[x.Length];
        var noise = new float[x.Length];
        for (int i = 0; i < n; i++)
        {
            c.CancellationToken.ThrowIfCancellationRequested();
            c.Model.Denoise(x, s[i], d);
            var (down, up) = SamplerMath.Ancestral(s[i], s[i + 1], eta);
            double k = (down - s[i]) / s[i];
            for (int j = 0; j < x.Length; j++) x[j] += (float)((x[j] - d[j]) * k);
            if (s[i + 1] > 0) SamplerMath.AddNoise(c, x, noise, up * c.Options.SNoise);
            SamplerMath.Report(c, i, n, s[i], x, d);
        }
    }
}
