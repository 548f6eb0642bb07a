using WebUI.Diffusion.Sampling;

namespace WebUI.Diffusion.Tests.Sampling;

/// <summary>diffusion-reference §8.1 and §8.2.</summary>
public class NoiseScheduleTests
{
    static readonly NoiseSchedule S = NoiseSchedule.Default;

    [Fact]
    public void AlphasCumprod_MatchesReferenceInFloat64()
    {
        double[] first = [0.9991500000, 0.9982960278, 0.9974380820, 0.9965761610, 0.9957102636];
        double[] last = [4.8901351510e-3, 4.8317118855e-3, 4.7739015852e-3, 4.7166988999e-3, 4.6600985131e-3];
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(first[i], S.AlphasCumprod[i], 1e-10);
            Assert.Equal(last[i], S.AlphasCumprod[995 + i], 1e-13);
        }
        Assert.Equal(0.6737926252, S.AlphasCumprod[250], 1e-10);
        Assert.Equal(0.2763326838, S.AlphasCumprod[500], 1e-10);
        Assert.Equal(0.0561698480, S.AlphasCumprod[750], 1e-10);
    }

    [Theory]
    [InlineData(1, 0.041314412)]
    [InlineData(250, 0.6957989371)]
    [InlineData(500, 1.618278826)]
    [InlineData(750, 4.099164051)]
    [InlineData(901, 8.3906848)]
    [InlineData(951, 11.0283312)]
    [InlineData(981, 13.1204107)]
    public void SigmaTable_SpotValues(int t, double sigma) => Assert.Equal(sigma, S.Sigmas[t], 6e-8);

    [Fact]
    public void SigmaTableEnds()
    {
        Assert.Equal(0.029167158151720, S.SigmaMin, 1e-14);
        Assert.Equal(14.614641229333639, S.SigmaMax, 1e-12);
    }

    [Theory]
    [InlineData(0.0292, 0.003232)]
    [InlineData(0.1, 10.382197)]
    [InlineData(0.5, 169.314771)]
    [InlineData(1.0, 353.890411)]
    [InlineData(2.0, 562.285981)]
    [InlineData(5.0, 795.173078)]
    [InlineData(10.0, 933.506774)]
    [InlineData(14.6146, 998.999535)]
    public void SigmaToT_AndRoundTrip(double sigma, double t)
    {
        Assert.Equal(t, S.SigmaToT(sigma), 1e-6);
        Assert.Equal(sigma, S.TToSigma(S.SigmaToT(sigma)), 1e-12);
    }

    [Theory]
    [InlineData(0, 0.02916716)]
    [InlineData(0.5, 0.03471346)]
    [InlineData(100.25, 0.34449372)]
    [InlineData(500.5, 1.62098319)]
    [InlineData(998.5, 14.57039147)]
    [InlineData(999, 14.61464123)]
    public void TToSigma(double t, double sigma) => Assert.Equal(sigma, S.TToSigma(t), 1e-8);

    [Fact]
    public void QuantizedTimesteps()
    {
        Assert.Equal(354, S.SigmaToNearestT(1.0));
        Assert.Equal(795, S.SigmaToNearestT(5.0));
    }

    [Fact]
    public void TableSigmasMapToExactIntegerTimesteps()
    {
        foreach (int t in new[] { 1, 51, 500, 951, 998 })
            Assert.Equal(t, S.SigmaToT(S.Sigmas[t]), 1e-9);
    }
}
