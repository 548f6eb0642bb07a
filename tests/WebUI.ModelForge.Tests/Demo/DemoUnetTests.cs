using WebUI.Diffusion.Sampling;
using WebUI.ModelForge.Demo;

namespace WebUI.ModelForge.Tests.Demo;

[Collection(DemoCollection.Name)]
public class DemoUnetTests(DemoFixture demo)
{
    const int S = DemoFixture.Size;

    static float[] Gaussian(int n, int seed)
    {
        var rng = new Random(seed);
        var v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        return v;
    }

    // A VP-scaled UNet input: (x0 + σ·n)/√(1+σ²).
    static float[] Noisy(ReadOnlySpan<float> x0, double sigma, int seed)
    {
        var n = Gaussian(x0.Length, seed);
        var x = new float[x0.Length];
        for (int i = 0; i < x.Length; i++) x[i] = (float)((x0[i] + sigma * n[i]) / Math.Sqrt(1 + sigma * sigma));
        return x;
    }

    static void AssertClose(double[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(1, expected.Max(Math.Abs)), worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        Assert.True(worst <= tolerance * scale, $"max |ε − reference| = {worst:G4} (scale {scale:G4})");
    }

    [Theory]
    [InlineData(916.2936)]   // Karras-10 step 2, fractional
    [InlineData(500.5)]
    [InlineData(250.25)]
    [InlineData(40.905)]
    [InlineData(6.7449)]
    [InlineData(0)]          // table ends
    [InlineData(999)]
    public void Eps_MatchesThePosteriorMeanFormula_PerBatchRow(double t)
    {
        double sigma = NoiseSchedule.Default.TToSigma(t);
        int per = 4 * S * S;
        // Row 0: a sunset member plus noise, with a sunset prompt. Row 1: a circle member plus noise, with a circle prompt.
        int sunset = DemoGallery.Scenes.ToList().FindIndex(s => s.Family == "sunset over the sea");
        int circle = DemoGallery.Scenes.ToList().FindIndex(s => s.Family == "red circle on blue") + 2;
        var x = new float[2 * per];
        Noisy(demo.Member(sunset), sigma, 1).CopyTo(x, 0);
        Noisy(demo.Member(circle), sigma, 2).CopyTo(x, per);
        var (states, _) = demo.Encode("a sunset over the sea", "red circle on blue");
        var eps = demo.UnetEps(x, 2, S, S, [(float)t], states);
        AssertClose(DemoReference.Eps(x, 2, S, S, (float)t, states, 77, demo.Latents, demo.K), eps, 1e-4);
    }

    [Fact]
    public void Eps_UsesTheFirstTimestep_AndEmptyPromptIsUniform()
    {
        int per = 4 * S * S;
        var x = Noisy(new float[per], 14.6, 3);              // pure noise at σ_max: the prior matters most here
        var (states, _) = demo.Encode("");
        var eps = demo.UnetEps(x, 1, S, S, [700f, 3f], states);
        AssertClose(DemoReference.Eps(x, 1, S, S, 700, states, 77, demo.Latents, demo.K), eps, 1e-4);
        var prior = DemoReference.LogPrior(states, 77, demo.K);
        Assert.All(prior, p => Assert.Equal(-Math.Log(demo.K), p, 9));
    }

    [Fact]
    public void Eps_ResizesTheGalleryToAnySampleSize()
    {
        const int h = 40, w = 56;
        var x = Gaussian(4 * h * w, 4);
        var (states, _) = demo.Encode("snowy mountains at night");
        var eps = demo.UnetEps(x, 1, h, w, [600f], states);
        AssertClose(DemoReference.Eps(x, 1, h, w, 600, states, 77, demo.Latents, demo.K), eps, 1e-4);
    }

    [Fact]
    public void Eps_AcceptsLongPromptsOfSeveralChunks()
    {
        // A1111 concatenates 77-token chunks along the sequence axis; the prior sums over all of them.
        int per = 4 * S * S;
        var x = Noisy(new float[per], 5, 5);
        var (a, _) = demo.Encode("a forest");
        var (b, _) = demo.Encode("in autumn");
        var states = a.Concat(b).ToArray();
        var eps = demo.UnetEps(x, 1, S, S, [795.17f], states, sequence: 154);
        AssertClose(DemoReference.Eps(x, 1, S, S, 795.17f, states, 154, demo.Latents, demo.K), eps, 1e-4);
    }
}
