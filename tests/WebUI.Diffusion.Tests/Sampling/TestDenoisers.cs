using WebUI.Diffusion.Sampling;
using WebUI.Diffusion.Sampling.Rng;

namespace WebUI.Diffusion.Tests.Sampling;

/// <summary>D(x, σ) ≡ x0: the ideal denoiser of a one-point data set (diffusion-reference §8.8). Counts calls.</summary>
sealed class PerfectDenoiser(float[] x0) : IGuidedDenoiser
{
    public int Calls { get; private set; }
    public List<double> SigmasSeen { get; } = [];

    public void Denoise(ReadOnlySpan<float> x, double sigma, Span<float> denoised)
    {
        Calls++;
        SigmasSeen.Add(sigma);
        x0.CopyTo(denoised);
    }

    public void DenoiseGuided(ReadOnlySpan<float> x, double sigma, double multiplier, Span<float> denoised, Span<float> unconditional)
    {
        Denoise(x, sigma, denoised);
        x0.CopyTo(unconditional);
    }
}

/// <summary>The ideal denoiser for N(0, s²) data: D = x·s²/(s² + σ²) (diffusion-reference §8.10). Counts calls.</summary>
sealed class GaussianDenoiser(double s = 0.5) : IGuidedDenoiser
{
    public int Calls { get; private set; }

    public void Denoise(ReadOnlySpan<float> x, double sigma, Span<float> denoised)
    {
        Calls++;
        double k = s * s / (s * s + sigma * sigma);
        for (int j = 0; j < x.Length; j++) denoised[j] = (float)(x[j] * k);
    }

    public void DenoiseGuided(ReadOnlySpan<float> x, double sigma, double multiplier, Span<float> denoised, Span<float> unconditional)
    {
        Denoise(x, sigma, denoised);
        denoised.CopyTo(unconditional);
    }
}

/// <summary>A noise source that always returns zeros (isolates the deterministic part of a sampler).</summary>
sealed class ZeroNoise : INoiseSource
{
    public int Calls { get; private set; }
    public void Next(Span<float> destination) { Calls++; destination.Clear(); }
}

/// <summary>Any-length N(0, I) noise from one NV generator (one Philox offset per call).</summary>
sealed class GeneratorNoise(long seed) : INoiseSource
{
    readonly PhiloxGenerator _g = new((ulong)seed);
    public int Calls { get; private set; }
    public void Next(Span<float> destination) { Calls++; _g.NextGaussian(destination); }
}

static class SamplingTestUtil
{
    public static NoiseSchedule Schedule => NoiseSchedule.Default;

    /// <summary>Standard-normal values from the NV generator (deterministic).</summary>
    public static float[] Gaussian(long seed, int count)
    {
        var v = new float[count];
        new PhiloxGenerator((ulong)seed).NextGaussian(v);
        return v;
    }

    public static SamplingContext Context(IDenoiser model, double[] sigmas, INoiseSource? noise = null, SamplerOptions? options = null,
        Action<SamplerStep>? callback = null, CancellationToken ct = default) => new()
    {
        Model = model,
        Noise = noise ?? new GeneratorNoise(12345),
        Sigmas = sigmas,
        Options = options ?? new SamplerOptions(),
        Callback = callback,
        CancellationToken = ct,
    };

    public static ISampler Create(string name, SamplerOptions? options = null) =>
        SamplerCatalog.Plan(name, "Automatic", 10, Schedule, options).Sampler;

    public static double Variance(float[] v)
    {
        double sum = 0, sq = 0;
        foreach (var a in v) { sum += a; sq += (double)a * a; }
        double mean = sum / v.Length;
        return sq / v.Length - mean * mean;
    }
}
