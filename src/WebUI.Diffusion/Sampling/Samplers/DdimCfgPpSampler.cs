namespace WebUI.Diffusion.Sampling.Samplers;

/// <summary>
/// A1111's "DDIM CFG++" (Chung et al. 2024, manifold-constrained CFG): like DDIM, but the step re-noises along the
/// <em>unconditional</em> direction, x' = D + σ_down·(x − D_u)/σ + σ_up·z, and the guidance scale is multiplied by
/// 1/12.5 (A1111 maps CFG 0–12.5 onto 0–1). Needs a denoiser implementing <see cref="IGuidedDenoiser"/>.
/// </summary>
sealed class DdimCfgPpSampler : ISampler
{
    public const double GuidanceScaleMultiplier = 1 / 12.5;
    public string Name => "DDIM CFG++";

    public void Sample(float[] x, SamplingContext c)
    {
        if (c.Model is not IGuidedDenoiser model)
            throw new InvalidOperationException("DDIM CFG++ needs a denoiser that exposes the unconditional prediction (IGuidedDenoiser).");
        var s = c.Sigmas;
        int n = s.Length - 1;
        double eta = c.Options.Eta ?? 0.0;
        var den = new float[x.Length];
        var uncond = new float[x.Length];
        var noise = new float[x.Length];
        for (int i = 0; i < n; i++)
        {
            c.CancellationToken.ThrowIfCancellationRequested();
            model.DenoiseGuided(x, s[i], GuidanceScaleMultiplier, den, uncond);
            var (down, up) = SamplerMath.Ancestral(s[i], s[i + 1], eta);
            double k = down / s[i];
            for (int j = 0; j < x.Length; j++) x[j] = (float)(den[j] + (x[j] - uncond[j]) * k);
            SamplerMath.AddNoise(c, x, noise, up);
            SamplerMath.Report(c, i, n, s[i], x, den);
        }
    }
}
