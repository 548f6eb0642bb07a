using WebUI.Diffusion.Sampling.Rng;

namespace WebUI.Diffusion.Tests.Sampling;

/// <summary>
/// A1111's ImageRNG (a1111-reference §6.2). Variation-seed and seed-resize values come from a numpy re-implementation
/// of modules/rng.py over a numpy Philox (itself checked against §6.4).
/// </summary>
public class ImageNoiseTests
{
    static readonly int[] Probe = [0, 5, 37, 64, 130, 255];

    static float[] First(ImageNoise noise)
    {
        var v = new float[noise.PerImage * noise.Images];
        noise.First(v);
        return v;
    }

    [Fact]
    public void BatchReproducesSingleImages_AndNextContinuesEachStream()
    {
        var batch = new ImageNoise("NV", [1, 42], 4, 8, 8);
        var b0 = First(batch);
        var single = First(new ImageNoise("NV", [42], 4, 8, 8));
        Assert.Equal(single, b0[256..]);
        var step = new float[512];
        batch.Next(step);
        var g = new PhiloxGenerator(42);
        var expected = new float[256];
        g.NextGaussian(expected);
        g.NextGaussian(expected);   // offset 1 = the first sampler noise
        Assert.Equal(expected, step[256..]);
        Assert.Equal(0.13913749f, step[256]);
    }

    [Fact]
    public void NextBeforeFirstReturnsTheInitialNoise()
    {
        var a = new ImageNoise("NV", [3], 4, 8, 8);
        var v = new float[256];
        a.Next(v);
        Assert.Equal(First(new ImageNoise("NV", [3], 4, 8, 8)), v);
    }

    [Fact]
    public void VariationSeedSlerpsAlongHeight()
    {
        var v = First(new ImageNoise("NV", [42], 4, 8, 8, subseeds: [7], subseedStrength: 0.3));
        double[] expected = [0.039047449827194214, 0.035562217235565186, 0.9094559550285339, 2.11789608001709, -0.187400221824646, -1.6850767135620117];
        for (int i = 0; i < Probe.Length; i++) Assert.Equal(expected[i], v[Probe[i]], 1e-5);

        // strength 1 is the variation seed's own noise; strength 0 ignores it
        Assert.Equal(First(new ImageNoise("NV", [7], 4, 8, 8)), First(new ImageNoise("NV", [42], 4, 8, 8, [7], 1.0)), new FloatTolerance(1e-5f));
        Assert.Equal(First(new ImageNoise("NV", [42], 4, 8, 8)), First(new ImageNoise("NV", [42], 4, 8, 8, [7], 0.0)));
    }

    [Fact]
    public void SeedResize_CropsLargerNoise()
    {
        var v = First(new ImageNoise("NV", [42], 4, 8, 8, seedResizeFromWidth: 96, seedResizeFromHeight: 80));
        double[] expected = [-1.1204326152801514, -0.03340299800038338, -1.2846555709838867, -0.6712623238563538, -1.9351229667663574, 0.15395551919937134];
        for (int i = 0; i < Probe.Length; i++) Assert.Equal(expected[i], v[Probe[i]], 1e-6);
    }

    [Fact]
    public void SeedResize_PastesSmallerNoiseCentered()
    {
        var v = First(new ImageNoise("NV", [42], 4, 8, 8, seedResizeFromWidth: 48, seedResizeFromHeight: 32));
        double[] expected = [0.1940188705921173, 0.6529852747917175, -0.7145189046859741, 1.1043695211410522, -0.028667476028203964, -1.800972580909729];
        for (int i = 0; i < Probe.Length; i++) Assert.Equal(expected[i], v[Probe[i]], 1e-6);
        // the 4×6 noise of seed 42 sits at rows 2..5, columns 1..6
        var small = new float[4 * 4 * 6];
        new PhiloxGenerator(42).NextGaussian(small);
        for (int c = 0; c < 4; c++)
            for (int y = 0; y < 4; y++)
                for (int x = 0; x < 6; x++)
                    Assert.Equal(small[(c * 4 + y) * 6 + x], v[(c * 8 + 2 + y) * 8 + 1 + x]);

        var withSub = First(new ImageNoise("NV", [42], 4, 8, 8, [9], 0.5, 48, 32));
        double[] expectedSub = [0.1940188705921173, 0.6529852747917175, -0.2900739908218384, 1.1043695211410522, -0.028667476028203964, -1.800972580909729];
        for (int i = 0; i < Probe.Length; i++) Assert.Equal(expectedSub[i], withSub[Probe[i]], 1e-5);
    }

    [Fact]
    public void EnsdReseedsTheStepNoise()
    {
        var noise = new ImageNoise("NV", [100], 1, 4, 4, etaNoiseSeedDelta: 31337);
        var first = First(noise);
        Assert.Equal(First(new ImageNoise("NV", [100], 1, 4, 4)), first);
        var step = new float[16];
        noise.Next(step);
        var expected = new float[16];
        new PhiloxGenerator(100 + 31337).NextGaussian(expected);   // fresh generator: offset 0
        Assert.Equal(expected, step);
    }

    [Fact]
    public void CpuSourceUsesTorchGenerator()
    {
        var v = First(new ImageNoise("CPU", [0], 1, 4, 4));
        var expected = new float[16];
        new TorchCpuGenerator(0).NextGaussian(expected);
        Assert.Equal(expected, v);
        Assert.Equal(-1.1258, v[0], 5e-5);
    }

    [Fact]
    public void BadInputIsRejectedClearly()
    {
        Assert.Contains("Unknown RNG source", Assert.Throws<ArgumentException>(() => new ImageNoise("TPU", [1], 4, 8, 8)).Message);
        var noise = new ImageNoise("GPU", [1], 4, 8, 8);
        Assert.Contains("expected 256", Assert.Throws<ArgumentException>(() => noise.Next(new float[10])).Message);
        Assert.Throws<ArgumentException>(() => new ImageNoise("GPU", [], 4, 8, 8));
    }

    [Fact]
    public void NoiseDump_DrawsSuccessiveCalls()
    {
        var d = NoiseDump.Draw("nv", 0, [4, 8, 8], 2);
        Assert.Equal(2, d.Length);
        Assert.Equal(-0.9246624f, d[0][0]);
        Assert.Equal(0.18082589f, d[1][0]);
        var cpu = NoiseDump.Draw("cpu", 0, [16], 1);
        Assert.Equal(-1.1258, cpu[0][0], 5e-5);
        Assert.Throws<ArgumentOutOfRangeException>(() => NoiseDump.Draw("nv", 0, [4, 0, 8], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => NoiseDump.Draw("nv", 0, [4], 0));
        Assert.Throws<ArgumentException>(() => NoiseDump.Draw("xx", 0, [4], 1));
    }

    sealed class FloatTolerance(float tol) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tol;
        public int GetHashCode(float f) => 0;
    }
}
