using WebUI.Diffusion.Sampling;
using WebUI.Diffusion.Sampling.Schedules;

namespace WebUI.Diffusion.Tests.Sampling;

/// <summary>
/// diffusion-reference §8.10: one-dimensional Gaussian data N(0, ¼) with its ideal denoiser, 20 (and 10) Karras steps
/// over (0.0292, 14.6146), x_T = σ_max·1. Deterministic samplers are linear here, so the scalar result (and its
/// square, the final variance for x_T ~ N(0, σ_max²)) are exact regression values. UniPC, DPM fast/adaptive and
/// Restart values come from independent float64 Python implementations of A1111/k-diffusion's algorithms.
/// </summary>
public class GaussianRegressionTests
{
    static double[] Karras(int n) => SigmaSchedules.Karras(n, 0.0292, 14.6146);

    static (double X, int Calls) Run(string sampler, double[] sigmas, double xT, SamplerOptions? options = null, INoiseSource? noise = null)
    {
        var model = new GaussianDenoiser();
        var x = new[] { (float)xT };
        SamplingTestUtil.Create(sampler, options).Sample(x, SamplingTestUtil.Context(model, sigmas, noise ?? new ZeroNoise(), options));
        return (x[0], model.Calls);
    }

    static void AssertRelative(double expected, double actual, double rel = 1e-5) =>
        Assert.True(Math.Abs(actual - expected) <= rel * Math.Abs(expected), $"expected {expected}, got {actual}");

    [Theory]
    [InlineData("Euler", 0.4142777103, 0.4568380037)]
    [InlineData("Heun", 0.5337988238, 0.5061388347)]
    [InlineData("DPM2", 0.5186599426, 0.5030349498)]
    [InlineData("LMS", 0.4695890833, 0.4960048856)]
    [InlineData("DPM++ 2M", 0.5254454487, 0.5061077343)]
    [InlineData("DPM++ 2M SDE", 0.5254454487, 0.5061077343)]
    [InlineData("DPM++ 2S a", 0.4837931997, 0.4951692788)]
    [InlineData("DPM++ SDE", 0.4837931997, 0.4951692788)]
    [InlineData("DPM++ 3M SDE", 0.5261421403, 0.4999515141)]
    public void DeterministicScalarValues(string sampler, double tenSteps, double twentySteps)
    {
        var eta0 = new SamplerOptions { Eta = 0 };   // stochastic ones at η = 0 (ignored by the deterministic ones)
        AssertRelative(tenSteps, Run(sampler, Karras(10), 14.6146, eta0).X);
        var (x20, _) = Run(sampler, Karras(20), 14.6146, eta0);
        AssertRelative(twentySteps, x20);
    }

    [Theory]
    [InlineData("Euler", 0.208701)]
    [InlineData("Heun", 0.256177)]
    [InlineData("DPM2", 0.253044)]
    [InlineData("LMS", 0.246021)]
    [InlineData("DPM++ 2M", 0.256145)]
    [InlineData("DPM++ 2S a", 0.245193)]
    [InlineData("DPM++ 3M SDE", 0.249952)]
    public void DeterministicFinalVariances(string sampler, double variance)
    {
        // linear sampler: the variance of x_T·m for x_T ~ N(0, σ_max²) is (σ_max·m)²
        var (x, _) = Run(sampler, Karras(20), 14.6146, new SamplerOptions { Eta = 0 });
        Assert.Equal(variance, x * x, 2e-6);
    }

    [Theory]
    [InlineData(10, 0.171626)]
    [InlineData(50, 0.232444)]
    [InlineData(100, 0.240595)]
    public void EulerConvergesAtFirstOrder(int steps, double variance)
    {
        var (x, _) = Run("Euler", Karras(steps), 14.6146);
        Assert.Equal(variance, x * x, 2e-6);
    }

    [Fact]
    public void DdimAndPlms_OnTheCompVisGrid()
    {
        // CompVis 10-step grid t = 901, 801, …, 1 then ᾱ_0; x_T = 1 in VP units, i.e. x_k = √(1+σ²)
        var s = NoiseSchedule.Default;
        var sigmas = new List<double>();
        for (int t = 901; t >= 1; t -= 100) sigmas.Add(s.Sigmas[t]);
        sigmas.Add(s.Sigmas[0]);
        double xT = Math.Sqrt(1 + sigmas[0] * sigmas[0]);
        double toVp = 1 / Math.Sqrt(1 + sigmas[^1] * sigmas[^1]);
        var (ddim, ddimCalls) = Run("DDIM", [.. sigmas], xT);
        AssertRelative(0.4065774422, ddim * toVp);
        Assert.Equal(10, ddimCalls);
        var (plms, plmsCalls) = Run("PLMS", [.. sigmas], xT);
        AssertRelative(0.4837110820, plms * toVp);
        Assert.Equal(11, plmsCalls);
        var (cfgpp, _) = Run("DDIM CFG++", [.. sigmas], xT);   // with D_u = D it is plain DDIM
        AssertRelative(0.4065774422, cfgpp * toVp);
    }

    [Theory]
    [InlineData(20, 3, "bh1", "time_uniform", 0.47203719125551025)]
    [InlineData(10, 3, "bh1", "time_uniform", 0.43298905086337647)]
    [InlineData(20, 3, "bh2", "time_uniform", 0.4701992927433628)]
    [InlineData(20, 2, "bh1", "time_quadratic", 0.5027931799884157)]
    [InlineData(5, 3, "bh1", "time_uniform", 0.3506876185270673)]
    [InlineData(20, 3, "vary_coeff", "time_uniform", 0.4623348702080414)]
    [InlineData(10, 2, "vary_coeff", "time_uniform", 0.424125341755884)]
    public void UniPc_MatchesVpSpaceReference(int steps, int order, string variant, string skip, double expectedVp)
    {
        var options = new SamplerOptions { UniPcOrder = order, UniPcVariant = variant, UniPcSkipType = skip };
        var sigmas = TimestepGrids.UniPcSigmas(steps, NoiseSchedule.Default, skip);
        double xT = Math.Sqrt(1 + sigmas[0] * sigmas[0]);   // x_VP = 1 at t = 1
        var (x, calls) = Run("UniPC", sigmas, xT, options);
        AssertRelative(expectedVp, x / Math.Sqrt(1 + sigmas[^1] * sigmas[^1]));
        Assert.Equal(steps, calls);
    }

    [Fact]
    public void DpmFastAndAdaptive_Eta0_MatchReference()
    {
        var s = NoiseSchedule.Default;
        var eta0 = new SamplerOptions { Eta = 0 };
        foreach (var (n, expected) in new[] { (10, 0.4944198641921536), (20, 0.5017342585567354) })
        {
            var (x, calls) = Run("DPM fast", SigmaSchedules.Uniform(n, s), s.SigmaMax, eta0);
            AssertRelative(expected, x);
            Assert.Equal(n, calls);
        }
        // The adaptive step sizes follow the float32 error estimate (x_low − x_high cancels), so the reference here is
        // the Python run with float32 rounding of x, ε and the two solutions (float64 throughout gives 0.5129563475).
        var (xa, callsA) = Run("DPM adaptive", SigmaSchedules.Uniform(20, s), s.SigmaMax, eta0);
        AssertRelative(0.512810468673706, xa, 1e-5);
        Assert.Equal(27, callsA);
    }

    [Fact]
    public void Restart_DeterministicPart_MatchesReference()
    {
        // Restart's re-noising is zeroed out here: what remains is its Heun walk over the rebuilt step list.
        var (x, calls) = Run("Restart", Karras(20), 14.6146);
        AssertRelative(0.11816269706908258, x);
        Assert.Equal(39, calls);
    }
}
