namespace WebUI.Diffusion.Sampling.Samplers;

/// <summary>Scalar helpers shared by the k-diffusion samplers (diffusion-reference §3, common definitions).</summary>
static class SamplerMath
{
    /// <summary>
    /// k-diffusion <c>get_ancestral_step</c>: split the move σf → σt into a deterministic part down to σ_down and
    /// fresh noise of size σ_up, σ_down² + σ_up² = σt². η = 0 is deterministic.
    /// </summary>
    public static (double Down, double Up) Ancestral(double sigmaFrom, double sigmaTo, double eta)
    {
        if (eta == 0 || sigmaTo == 0) return (sigmaTo, 0);
        double up = Math.Min(sigmaTo, eta * Math.Sqrt(sigmaTo * sigmaTo * (sigmaFrom * sigmaFrom - sigmaTo * sigmaTo) / (sigmaFrom * sigmaFrom)));
        double down = Math.Sqrt(sigmaTo * sigmaTo - up * up);
        return (down, up);
    }

    /// <summary>
    /// Karras churn for Euler/Heun/DPM2 (s_churn, s_tmin, s_tmax, s_noise): raises the noise level of x from σ to
    /// σ̂ = σ(1+γ) with fresh noise; returns σ̂ (σ itself when γ = 0, the A1111 default).
    /// </summary>
    public static double Churn(SamplingContext c, int i, float[] x, ref float[]? noise)
    {
        var o = c.Options;
        double sigma = c.Sigmas[i];
        int steps = c.Sigmas.Length - 1;
        double tmax = o.STmax == 0 ? double.PositiveInfinity : o.STmax;   // A1111: s_tmax 0 means ∞
        double gamma = o.SChurn > 0 && o.STmin <= sigma && sigma <= tmax ? Math.Min(o.SChurn / steps, Math.Sqrt(2) - 1) : 0;
        if (gamma <= 0) return sigma;
        double hat = sigma * (gamma + 1);
        noise ??= new float[x.Length];
        c.Noise.Next(noise);
        AddScaled(x, noise, o.SNoise * Math.Sqrt(hat * hat - sigma * sigma));
        return hat;
    }

    /// <summary>x += k·v.</summary>
    public static void AddScaled(float[] x, float[] v, double k)
    {
        float kf = (float)k;
        for (int j = 0; j < x.Length; j++) x[j] += kf * v[j];
    }

    /// <summary>Draws noise into <paramref name="noise"/> and adds k·noise to x, unless k is 0.</summary>
    public static void AddNoise(SamplingContext c, float[] x, float[] noise, double k)
    {
        if (k == 0) return;
        c.Noise.Next(noise);
        AddScaled(x, noise, k);
    }

    /// <summary>The DPM-Solver++ first-order move (= Euler = DDIM η=0): x ← (σ'/σ)·x + (1 − σ'/σ)·D.</summary>
    public static void FirstOrder(float[] x, float[] denoised, double sigma, double sigmaNext)
    {
        double r = sigmaNext / sigma;
        for (int j = 0; j < x.Length; j++) x[j] = (float)(r * x[j] + (1 - r) * denoised[j]);
    }

    public static void Report(SamplingContext c, int step, int total, double sigma, float[] x, float[] denoised) =>
        c.Callback?.Invoke(new SamplerStep(step, total, sigma, x, denoised));

    /// <summary>e^x − 1 without cancellation for small x.</summary>
    public static double Expm1(double v) => Math.Abs(v) < 1e-5 ? v + v * v / 2 + v * v * v / 6 : Math.Exp(v) - 1;
}
