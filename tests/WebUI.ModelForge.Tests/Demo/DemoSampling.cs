using WebUI.Diffusion.Sampling;
using WebUI.Diffusion.Sampling.Rng;
using WebUI.ModelForge.Demo;

namespace WebUI.ModelForge.Tests.Demo;

/// <summary>A plain k-diffusion Euler loop over the demo UNet with classifier-free guidance (batch [uncond, cond]).</summary>
static class DemoSampling
{
    public static float[] Euler(DemoFixture demo, string prompt, string negative, long seed, double cfg, int steps = 20, string scheduler = "Karras")
    {
        const int S = DemoFixture.Size;
        int per = 4 * S * S;
        var sigmas = SamplerCatalog.Plan("Euler", scheduler, steps, NoiseSchedule.Default).Sigmas;
        var x = new float[per];
        new ImageNoise("GPU", [seed], 4, S, S).First(x);
        for (int i = 0; i < per; i++) x[i] *= (float)sigmas[0];
        var (states, _) = demo.Encode(negative, prompt);
        var input = new float[2 * per];
        for (int step = 0; step < steps; step++)
        {
            double s = sigmas[step], next = sigmas[step + 1];
            float cIn = (float)(1 / Math.Sqrt(s * s + 1));
            for (int i = 0; i < per; i++) input[i] = input[per + i] = x[i] * cIn;
            var eps = demo.UnetEps(input, 2, S, S, [(float)NoiseSchedule.Default.SigmaToT(s)], states);
            for (int i = 0; i < per; i++)
            {
                double guided = eps[i] + cfg * (eps[per + i] - eps[i]);   // ε_u + g(ε_c − ε_u)
                x[i] += (float)(guided * (next - s));                      // Euler: d = (x − D)/σ = ε
            }
        }
        return x;
    }

    /// <summary>The gallery member nearest to a latent (RMS distance) and that distance.</summary>
    public static (int Member, double Rms) Nearest(DemoFixture demo, float[] x)
    {
        int best = -1;
        double bestD = double.MaxValue;
        for (int k = 0; k < demo.K; k++)
        {
            var m = demo.Member(k);
            double d = 0;
            for (int i = 0; i < x.Length; i++) { double t = x[i] - m[i]; d += t * t; }
            if (d < bestD) { bestD = d; best = k; }
        }
        return (best, Math.Sqrt(bestD / x.Length));
    }

    /// <summary>Mean and 99th-percentile absolute difference, in 8-bit levels, between two decoded latents.</summary>
    public static (double Mean, double P99) PixelDifference(DemoFixture demo, float[] a, ReadOnlySpan<float> b)
    {
        var pa = DemoReference.ToBytes(demo.Decode(a, DemoFixture.Size, DemoFixture.Size));
        var pb = DemoReference.ToBytes(demo.Decode(b, DemoFixture.Size, DemoFixture.Size));
        var diffs = pa.Zip(pb, (p, q) => Math.Abs(p - q)).Order().ToArray();
        return (diffs.Average(), diffs[(int)(diffs.Length * 0.99)]);
    }
}
