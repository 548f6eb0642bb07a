using WebUI.Diffusion.Sampling;

namespace WebUI.Diffusion.Tests.Sampling;

/// <summary>
/// diffusion-reference §8.8: with D ≡ x0 the probability-flow path is x(σ) = x0 + σ·e0 and every sampler is exact.
/// Samplers whose σ list ends at 0 must return x0 (stochastic ones too: their last step cancels the noise); the
/// timestep samplers, DPM fast/adaptive and KL Optimal schedules stop at σ_end > 0 and must land on x0 + σ_end·e0.
/// </summary>
public class PerfectDenoiserTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in SamplerCatalog.Names)
            foreach (int n in new[] { 1, 2, 10, 20 })
                data.Add(name, n);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EverySamplerFollowsTheExactPath(string sampler, int steps)
    {
        // DPM fast/adaptive end at σ_min > 0, so their ancestral noise (A1111's η = 1) would stay visible: check them at η = 0 here.
        var options = sampler is "DPM fast" or "DPM adaptive" ? new SamplerOptions { Eta = 0 } : null;
        var plan = SamplerCatalog.Plan(sampler, "Automatic", steps, SamplingTestUtil.Schedule, options);
        int size = 4 * 8 * 8;
        var x0 = SamplingTestUtil.Gaussian(1, size);
        var z = SamplingTestUtil.Gaussian(2, size);
        var x = new float[size];
        for (int j = 0; j < size; j++) x[j] = (float)(x0[j] + plan.Sigmas[0] * z[j]);
        var model = new PerfectDenoiser(x0);
        plan.Sampler.Sample(x, SamplingTestUtil.Context(model, plan.Sigmas, new GeneratorNoise(3), options));

        double end = EndSigma(plan);
        double maxErr = 0;
        for (int j = 0; j < size; j++) maxErr = Math.Max(maxErr, Math.Abs(x[j] - (x0[j] + end * z[j])));
        Assert.True(maxErr < 1e-4, $"{sampler} ({steps} steps): max |x − (x0 + σ_end·e0)| = {maxErr}, σ_end = {end}");
        if (plan.Sigmas[^1] == 0 && plan.Info.Name is not ("DPM fast" or "DPM adaptive"))
            Assert.Equal(0, end);
    }

    [Theory]
    [InlineData("DPM fast")]
    [InlineData("DPM adaptive")]
    public void DpmFastAndAdaptive_AncestralStopWithinSigmaMinOfTheData(string sampler)
    {
        var plan = SamplerCatalog.Plan(sampler, "Automatic", 20, SamplingTestUtil.Schedule);
        var x0 = SamplingTestUtil.Gaussian(1, 256);
        var x = SamplingTestUtil.Gaussian(2, 256).Select((v, j) => (float)(x0[j] + plan.Sigmas[0] * v)).ToArray();
        plan.Sampler.Sample(x, SamplingTestUtil.Context(new PerfectDenoiser(x0), plan.Sigmas, new GeneratorNoise(3)));
        double sigmaMin = plan.Sigmas[^2];
        var residual = x.Select((v, j) => (float)((v - x0[j]) / sigmaMin)).ToArray();
        // what is left is σ_min times (roughly) unit noise
        Assert.InRange(Math.Sqrt(SamplingTestUtil.Variance(residual)), 0.5, 1.5);
    }

    static double EndSigma(SamplingPlan plan)
    {
        var s = plan.Sigmas;
        if (plan.SamplerName is "DPM fast" or "DPM adaptive") return s[^1] > 0 ? s[^1] : s[^2];
        if (s.Length == 1) return s[0];
        return s[^1];
    }

    [Theory]
    [InlineData("KL Optimal")]
    [InlineData("Beta")]
    [InlineData("Align Your Steps")]
    [InlineData("DDIM")]
    public void OtherSchedulesAreFollowedExactlyToo(string scheduler)
    {
        foreach (var sampler in new[] { "Euler", "DPM++ 2M", "LMS", "Heun", "DPM++ 3M SDE" })
        {
            var eta0 = new SamplerOptions { Eta = 0 };   // these schedules may stop short of 0, where ancestral noise would remain
            var plan = SamplerCatalog.Plan(sampler, scheduler, 12, SamplingTestUtil.Schedule, eta0);
            var x0 = SamplingTestUtil.Gaussian(5, 64);
            var z = SamplingTestUtil.Gaussian(6, 64);
            var x = x0.Select((v, j) => (float)(v + plan.Sigmas[0] * z[j])).ToArray();
            plan.Sampler.Sample(x, SamplingTestUtil.Context(new PerfectDenoiser(x0), plan.Sigmas, options: eta0));
            for (int j = 0; j < x.Length; j++) Assert.Equal(x0[j] + plan.Sigmas[^1] * z[j], x[j], 1e-4);
        }
    }
}
