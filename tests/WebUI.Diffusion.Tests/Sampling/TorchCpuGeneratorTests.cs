using WebUI.Diffusion.Sampling.Rng;

namespace WebUI.Diffusion.Tests.Sampling;

/// <summary>torch-cpu-randn.md §1 and §7: the published PyTorch CPU outputs (printed to 4 decimals).</summary>
public class TorchCpuGeneratorTests
{
    static float[] Randn(TorchCpuGenerator g, int n)
    {
        var v = new float[n];
        g.NextGaussian(v);
        return v;
    }

    static void AssertPrinted(double[] expected, float[] actual)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 5.01e-5, $"[{i}] expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void Mt19937_StandardSanityValue() => Assert.Equal(3499211612u, new TorchCpuGenerator(5489).NextUInt32());

    [Fact]
    public void SeedUsesLow32Bits() =>
        Assert.Equal(Randn(new TorchCpuGenerator(7), 20), Randn(new TorchCpuGenerator(7 + (1L << 32)), 20));

    [Fact]
    public void ScalarPath_Randn8() =>
        AssertPrinted([1.5410, -0.2934, -2.1788, 0.5684, -1.0845, -1.3986, 0.4033, 0.8380], Randn(new TorchCpuGenerator(0), 8));

    [Fact]
    public void ScalarPath_Randn15_EndsAsPublished()
    {
        var v = Randn(new TorchCpuGenerator(0), 15);
        Assert.Equal(1.5410, v[0], 4e-5);
        Assert.Equal(-1.0712, v[14], 5.1e-5);
    }

    [Fact]
    public void VectorPath_Randn16() =>
        AssertPrinted([-1.1258, -1.1524, -0.2506, -0.4339, 0.8487, 0.6920, -0.3160, -2.1152, 0.3223, -1.2633, 0.3500, 0.3081, 0.1198, 1.2377, 1.1168, -0.2473],
            Randn(new TorchCpuGenerator(0), 16));

    [Fact]
    public void CachedNormalCarriesOverBetweenCalls()
    {
        var g = new TorchCpuGenerator(0);
        Assert.Equal(1.5410, Randn(g, 7)[0], 5e-5);
        Assert.Equal(0.8380, Randn(g, 7)[0], 5e-5);   // the 8th value, cached by the first call

        var h = new TorchCpuGenerator(0);
        Assert.Equal(1.5410, Randn(h, 8)[0], 5e-5);
        Assert.Equal(-0.7193, Randn(h, 8)[0], 5e-5);
    }

    [Fact]
    public void Randn2x8_FirstColumn()
    {
        var v = Randn(new TorchCpuGenerator(0), 16);
        Assert.Equal(-1.1258, v[0], 5e-5);
        Assert.Equal(0.3223, v[8], 5e-5);
    }

    [Fact]
    public void OtherPublishedSeeds()
    {
        AssertPrinted([-0.1187, 0.2110, 0.7463, -0.6136, -0.1186, 1.5565, 1.3662, 1.0199], Randn(new TorchCpuGenerator(2019), 8));
        AssertPrinted([0.3367, 0.1288, 0.2345, 0.2303, -1.1229, -0.1863], Randn(new TorchCpuGenerator(42), 6));
    }

    [Fact]
    public void TailPath_Randn20()
    {
        var v = Randn(new TorchCpuGenerator(42), 20);
        AssertPrinted([1.9269, 1.4873, 0.9007, -2.1055, -0.7581, 1.0783], v[..6]);
        Assert.Equal(-0.6216, v[19], 5.1e-5);
    }

    [Fact]
    public void LatentSizedDrawsAreStandardNormal()
    {
        var v = Randn(new TorchCpuGenerator(1234), 4 * 64 * 64);
        double mean = v.Average(x => (double)x), var = v.Average(x => (double)x * x) - mean * mean;
        Assert.InRange(mean, -0.03, 0.03);
        Assert.InRange(var, 0.95, 1.05);
    }
}
