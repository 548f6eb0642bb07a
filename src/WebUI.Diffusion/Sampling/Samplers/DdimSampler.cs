namespace WebUI.Diffusion.Sampling.Samplers;

/// <summary>
/// A1111's DDIM (<c>sd_samplers_timesteps_impl.ddim</c>, η = eta_ddim, default 0) written in k-space over the σ of
/// its timestep grid (<see cref="Schedules.TimestepGrids.DdimSigmas"/>). Dividing DDIM's VP update
/// x_p = √ᾱ_p·x0 + √(1−ᾱ_p−s²)·ε + s·z by √ᾱ_p gives x' = D + σ_down·ε + σ_up·z with ε = (x − D)/σ and
/// (σ_down, σ_up) the ancestral split with the same η — i.e. Euler (η = 0) / Euler a on that grid. One call per step.
/// </summary>
sealed class DdimSampler : ISampler
{
    public string Name => "DDIM";

    public void Sample(float[] x, SamplingContext c)
    {
        var s = c.Sigmas;
        int n = s.Length - 1;
        double eta = c.Options.Eta ?? 0.0;
        var den = new float[x.Length];
        var noise = new float[x.Length];
        for (int i = 0; i < n; i++)
        {
            c.CancellationToken.ThrowIfCancellationRequested();
            c.Model.Denoise(x, s[i], den);
            var (down, up) = SamplerMath.Ancestral(s[i], s[i + 1], eta);
            double k = down / s[i];
            for (int j = 0; j < x.Length; j++) x[j] = (float)(den[j] + (x[j] - den[j]) * k);
            SamplerMath.AddNoise(c, x, noise, up);
            SamplerMath.Report(c, i, n, s[i], x, den);
        }
    }
}
