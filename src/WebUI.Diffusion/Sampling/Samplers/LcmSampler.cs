namespace WebUI.Diffusion.Sampling.Samplers;

/// <summary>
/// A1111's <c>sample_lcm</c>: jump to the consistency model's estimate and re-noise to the next σ with fresh noise.
/// One call per step. The engine must pair it with the LCM denoiser (see <see cref="LcmBoundary"/>).
/// </summary>
sealed class LcmSampler : ISampler
{
    public string Name => "LCM";

    public void Sample(float[] x, SamplingContext c)
    {
        var s = c.Sigmas;
        int n = s.Length - 1;
        var den = new float[x.Length];
        var noise = new float[x.Length];
        for (int i = 0; i < n; i++)
        {
            c.CancellationToken.ThrowIfCancellationRequested();
            c.Model.Denoise(x, s[i], den);
            Array.Copy(den, x, x.Length);
            if (s[i + 1] > 0) SamplerMath.AddNoise(c, x, noise, s[i + 1]);
            SamplerMath.Report(c, i, n, s[i], x, den);
        }
    }
}
