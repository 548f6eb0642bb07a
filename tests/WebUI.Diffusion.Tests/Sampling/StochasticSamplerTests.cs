using WebUI.Diffusion.Sampling;
using WebUI.Diffusion.Sampling.Schedules;

namespace WebUI.Diffusion.Tests.Sampling;

/// <summary>
/// Monte-Carlo checks of the stochastic samplers (η = 1) on diffusion-reference §8.10's Gaussian problem: 20 Karras
/// steps, x_T ~ N(0, σ_max²), 20 000 independent elements in one batch. Reference variances are ±0.0006; the
/// estimate's own standard error here is ≈ 0.0025, so the tolerance is 0.01 (seeded, hence reproducible).
/// </summary>
public class StochasticSamplerTests
{
    const int Count = 20_000;

    static double FinalVariance(string sampler, long seed, SamplerOptions? options = null)
    {
        var sigmas = SigmaSchedules.Karras(20, 0.0292, 14.6146);
        var x = SamplingTestUtil.Gaussian(seed, Count);
        for (int j = 0; j < Count; j++) x[j] = (float)(x[j] * sigmas[0]);
        SamplingTestUtil.Create(sampler, options).Sample(x, SamplingTestUtil.Context(new GaussianDenoiser(), sigmas, new GeneratorNoise(seed + 1), options));
        return SamplingTestUtil.Variance(x);
    }

    [Theory]
    [InlineData("Euler a", 0.17606)]
    [InlineData("DPM2 a", 0.26837)]
    [InlineData("DPM++ 2S a", 0.23532)]
    [InlineData("DPM++ 2M SDE", 0.26769)]
    [InlineData("DPM++ 3M SDE", 0.25896)]
    [InlineData("LCM", 0.1041)]
    public void FinalVarianceMatchesReference(string sampler, double expected) =>
        Assert.Equal(expected, FinalVariance(sampler, 100), 0.01);

    [Fact]
    public void DpmPpSde_CorrelatedNoiseReproducesTheBrownianTreeLaw()
    {
        // 0.24216 with Brownian-consistent noise; naive independent draws would give 0.18761.
        double v = FinalVariance("DPM++ SDE", 200);
        Assert.Equal(0.24216, v, 0.01);
    }

    [Fact]
    public void EtaZeroMakesAncestralSamplersDeterministic()
    {
        var eta0 = new SamplerOptions { Eta = 0 };
        Assert.Equal(FinalVariance("DPM++ 2S a", 1, eta0), FinalVariance("DPM++ 2S a", 1, eta0));
        // and equal to the deterministic 2S value (0.245193 for x_T ~ N(0, σ_max²))
        Assert.Equal(0.245193, FinalVariance("DPM++ 2S a", 7, eta0), 0.01);
    }

    [Fact]
    public void DdimWithEtaOneIsEulerAncestralOnItsGrid()
    {
        var sigmas = TimestepGrids.DdimSigmas(20, NoiseSchedule.Default);
        float[] Run(string name)
        {
            var x = SamplingTestUtil.Gaussian(3, 512).Select(v => (float)(v * sigmas[0])).ToArray();
            var options = new SamplerOptions { Eta = 1 };
            SamplingTestUtil.Create(name, options).Sample(x, SamplingTestUtil.Context(new GaussianDenoiser(), sigmas, new GeneratorNoise(9), options));
            return x;
        }
        var ddim = Run("DDIM");
        var eulerA = Run("Euler a");
        for (int j = 0; j < ddim.Length; j++) Assert.Equal(eulerA[j], ddim[j], 1e-5);
    }
}
