using WebUI.Diffusion.Sampling;
using WebUI.Diffusion.Sampling.Schedules;

namespace WebUI.Diffusion.Tests.Sampling;

/// <summary>a1111-reference §5: names in UI order, name resolution (aliases, old combined names), scheduling, infotext labels.</summary>
public class SamplerCatalogTests
{
    static readonly NoiseSchedule S = NoiseSchedule.Default;

    [Fact]
    public void SamplerNamesInA1111UiOrder() => Assert.Equal(
    [
        "DPM++ 2M", "DPM++ SDE", "DPM++ 2M SDE", "DPM++ 2M SDE Heun", "DPM++ 2S a", "DPM++ 3M SDE", "Euler a", "Euler", "LMS", "Heun",
        "DPM2", "DPM2 a", "DPM fast", "DPM adaptive", "Restart", "DDIM", "DDIM CFG++", "PLMS", "UniPC", "LCM",
    ], SamplerCatalog.Names);

    [Fact]
    public void SchedulerLabelsInA1111Order() => Assert.Equal(
        ["Automatic", "Uniform", "Karras", "Exponential", "Polyexponential", "SGM Uniform", "KL Optimal", "Align Your Steps", "Simple", "Normal", "DDIM", "Beta"],
        SamplerCatalog.SchedulerLabels);

    [Theory]
    [InlineData("DPM++ 2M Karras", "Automatic", "DPM++ 2M", "Automatic")]
    [InlineData("DPM++ 2M", "Karras", "DPM++ 2M", "Automatic")]
    [InlineData("DPM++ 2M", "karras", "DPM++ 2M", "Automatic")]
    [InlineData("DPM++ 2M Exponential", null, "DPM++ 2M", "Exponential")]
    [InlineData("DPM++ SDE Karras", "", "DPM++ SDE", "Automatic")]
    [InlineData("DPM++ 2M SDE Karras", null, "DPM++ 2M SDE", "Karras")]
    [InlineData("DPM++ 2M SDE Exponential", null, "DPM++ 2M SDE", "Automatic")]
    [InlineData("DPM++ 2M SDE Heun Karras", null, "DPM++ 2M SDE Heun", "Karras")]
    [InlineData("Euler a", null, "Euler a", "Automatic")]
    [InlineData("Euler a Karras", null, "Euler a", "Karras")]
    [InlineData("LMS Karras", null, "LMS", "Karras")]
    [InlineData("DPM2 a Karras", null, "DPM2 a", "Automatic")]
    [InlineData("Euler SGMUniform", null, "Euler", "SGM Uniform")]
    [InlineData("Euler sgm_uniform", null, "Euler", "SGM Uniform")]
    [InlineData("k_euler_a", null, "Euler a", "Automatic")]
    [InlineData("k_dpmpp_2m_sde_heun", null, "DPM++ 2M SDE Heun", "Automatic")]
    [InlineData("ddim_cfgpp", null, "DDIM CFG++", "Automatic")]
    [InlineData("k_dpmpp_2m_ka", null, "DPM++ 2M", "Automatic")]
    [InlineData("k_lms_ka", null, "LMS", "Karras")]
    [InlineData("k_dpmpp_2m_sde_exp", null, "DPM++ 2M SDE", "Automatic")]
    [InlineData("euler A", "uniform", "Euler a", "Uniform")]
    [InlineData(null, null, "DPM++ 2M", "Automatic")]
    [InlineData("DDIM", "DDIM", "DDIM", "DDIM")]
    public void Resolve_LikeGetSamplerAndScheduler(string? sampler, string? scheduler, string expectedSampler, string expectedScheduler) =>
        Assert.Equal((expectedSampler, expectedScheduler), SamplerCatalog.Resolve(sampler, scheduler));

    [Fact]
    public void UnknownNamesThrowKeyNotFound()
    {
        Assert.Equal("Sampler not found: Foo", Assert.Throws<KeyNotFoundException>(() => SamplerCatalog.Plan("Foo", "Automatic", 20, S)).Message);
        Assert.Equal("Scheduler not found: Bar", Assert.Throws<KeyNotFoundException>(() => SamplerCatalog.Plan("Euler", "Bar", 20, S)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => SamplerCatalog.Plan("Euler", "Automatic", 0, S));
    }

    [Theory]
    [InlineData("DPM++ 2M", "Automatic", "Karras")]
    [InlineData("DPM++ 2M Karras", "Automatic", "Karras")]
    [InlineData("DPM++ 2M SDE", "Automatic", "Exponential")]
    [InlineData("DPM++ 3M SDE", "Automatic", "Exponential")]
    [InlineData("Restart", "Automatic", "Karras")]
    [InlineData("Euler", "Automatic", "Automatic")]
    [InlineData("Euler a", "Automatic", "Automatic")]
    [InlineData("Euler", "Uniform", "Uniform")]
    [InlineData("Euler", "Karras", "Karras")]
    [InlineData("LCM", "Automatic", "Automatic")]
    [InlineData("DDIM", "Automatic", "Automatic")]
    [InlineData("DDIM", "Karras", "Karras")]
    [InlineData("UniPC", "Beta", "Beta")]
    public void PlanReportsTheScheduleTypeInfotextShows(string sampler, string scheduler, string label) =>
        Assert.Equal(label, SamplerCatalog.Plan(sampler, scheduler, 20, S).SchedulerLabel);

    [Fact]
    public void AutomaticUsesTheSamplersDefault()
    {
        Assert.Equal(SigmaSchedules.Karras(20, S.SigmaMin, S.SigmaMax), SamplerCatalog.Plan("DPM++ 2M", "Automatic", 20, S).Sigmas);
        Assert.Equal(SigmaSchedules.Uniform(20, S), SamplerCatalog.Plan("Euler", "Automatic", 20, S).Sigmas);
        Assert.Equal(SigmaSchedules.Exponential(20, S.SigmaMin, S.SigmaMax), SamplerCatalog.Plan("DPM++ 2M SDE", "", 20, S).Sigmas);
        var plan = SamplerCatalog.Plan("Euler", "Automatic", 20, S);
        Assert.Equal(plan.Sigmas[0], plan.InitialNoiseScale);
    }

    [Fact]
    public void DiscardNextToLastSigma_ForDpm2AndWhenForced()
    {
        var k21 = SigmaSchedules.Karras(21, S.SigmaMin, S.SigmaMax);
        double[] expected = [.. k21[..^2], 0];
        var plan = SamplerCatalog.Plan("DPM2", "Automatic", 20, S);
        Assert.Equal(expected, plan.Sigmas);
        Assert.Equal(21, plan.Sigmas.Length);
        Assert.Empty(plan.ExtraGenerationParams);

        var forced = SamplerCatalog.Plan("Euler", "Karras", 20, S, new SamplerOptions { AlwaysDiscardNextToLastSigma = true });
        Assert.Equal(expected, forced.Sigmas);
        Assert.Contains(new KeyValuePair<string, object?>("Discard penultimate sigma", true), forced.ExtraGenerationParams);
    }

    [Fact]
    public void SigmaAndRhoOverrides_AreAppliedAndRecorded()
    {
        var o = new SamplerOptions { SigmaMin = 0.05, SigmaMax = 10, Rho = 5, Eta = 0.5 };
        var plan = SamplerCatalog.Plan("Euler a", "Karras", 10, S, o);
        Assert.Equal(SigmaSchedules.Karras(10, 0.05, 10, 5), plan.Sigmas);
        Assert.Equal(
        [
            new("Schedule min sigma", 0.05), new("Schedule max sigma", 10.0), new("Schedule rho", 5.0), new("Eta", 0.5),
        ], plan.ExtraGenerationParams);

        // ρ only goes to schedulers that have one; Uniform ignores σ overrides entirely (A1111 uses the model's get_sigmas)
        Assert.DoesNotContain(SamplerCatalog.Plan("Euler", "Exponential", 10, S, o).ExtraGenerationParams, p => p.Key == "Schedule rho");
        Assert.Equal(SigmaSchedules.Uniform(10, S), SamplerCatalog.Plan("Euler", "Uniform", 10, S, o).Sigmas);
        Assert.Equal(SigmaSchedules.Karras(10, 0.1, 10), SamplerCatalog.Plan("Euler", "Karras", 10, S, new SamplerOptions { UseOldKarrasSchedulerSigmas = true }).Sigmas);
        Assert.Equal(new KeyValuePair<string, object?>("Eta DDIM", 0.5), SamplerCatalog.Plan("DDIM", "Automatic", 10, S, o).ExtraGenerationParams[0]);
        Assert.Empty(SamplerCatalog.Plan("Euler a", "Automatic", 10, S, new SamplerOptions { Eta = 1.0 }).ExtraGenerationParams);
    }

    [Fact]
    public void SigmaParameters_RecordedOnlyForSamplersThatTakeThem()
    {
        var o = new SamplerOptions { SChurn = 0.5, STmin = 0.1, STmax = 0, SNoise = 1.003 };
        Assert.Equal([new("Sigma churn", 0.5), new("Sigma tmin", 0.1), new("Sigma noise", 1.003)],
            SamplerCatalog.Plan("Euler", "Automatic", 10, S, o).ExtraGenerationParams);
        Assert.Equal([new("Sigma noise", 1.003)], SamplerCatalog.Plan("Euler a", "Automatic", 10, S, o).ExtraGenerationParams);
        Assert.Empty(SamplerCatalog.Plan("LMS", "Automatic", 10, S, o).ExtraGenerationParams);
        Assert.Throws<ArgumentOutOfRangeException>(() => SamplerCatalog.Plan("Euler a", "Automatic", 10, S, new SamplerOptions { Eta = -1 }));
    }

    [Fact]
    public void ChurnWithTmaxZeroMeansInfinity()
    {
        // s_churn > 0 makes Euler stochastic; A1111 treats s_tmax = 0 as ∞, so churn must apply on every step
        var plan = SamplerCatalog.Plan("Euler", "Automatic", 10, S);
        var noise = new ZeroNoise();
        plan.Sampler.Sample(new float[8], SamplingTestUtil.Context(new GaussianDenoiser(), plan.Sigmas, noise, new SamplerOptions { SChurn = 1, STmax = 0 }));
        Assert.Equal(10, noise.Calls);
        var none = new ZeroNoise();
        plan.Sampler.Sample(new float[8], SamplingTestUtil.Context(new GaussianDenoiser(), plan.Sigmas, none, new SamplerOptions { SChurn = 1, STmax = 1.0 }));
        Assert.Equal(plan.Sigmas.Count(s => s > 0 && s <= 1.0), none.Calls);
    }

    [Fact]
    public void BetaSchedulerRecordsItsParameters()
    {
        var plan = SamplerCatalog.Plan("Euler", "Beta", 10, S);
        Assert.Equal([new("Beta schedule alpha", 0.6), new("Beta schedule beta", 0.6)], plan.ExtraGenerationParams);
    }

    [Fact]
    public void TimestepSamplers_UseTheirGridAndUnitVpNoise()
    {
        var ddim = SamplerCatalog.Plan("DDIM", "Karras", 20, S);
        Assert.Equal(TimestepGrids.DdimSigmas(20, S), ddim.Sigmas);
        Assert.Equal(SamplerKind.Timestep, ddim.Info.Kind);
        Assert.Equal(Math.Sqrt(1 + ddim.Sigmas[0] * ddim.Sigmas[0]), ddim.InitialNoiseScale, 1e-12);
        var unipc = SamplerCatalog.Plan("UniPC", "Automatic", 30, S);
        Assert.Equal(32, unipc.Sigmas.Length);   // 31 A1111 timesteps → 31 UniPC steps
        Assert.True(SamplerCatalog.Plan("DDIM CFG++", "Automatic", 20, S).Info.NeedsUnconditional);
    }

    [Fact]
    public void LcmUsesThe50StepLcmTable()
    {
        var plan = SamplerCatalog.Plan("LCM", "Automatic", 4, S);
        Assert.Equal(SigmaSchedules.Uniform(4, ModelSigmas.LcmOf(S)), plan.Sigmas);
        Assert.Equal(SamplerKind.Lcm, plan.Info.Kind);
        var karras = SamplerCatalog.Plan("LCM", "Karras", 4, S);
        Assert.Equal(0.134450675, karras.Sigmas[^2], 1e-8);   // σ_min of the LCM table
    }

    [Fact]
    public void ApiOptionsAndFlags()
    {
        var sde = SamplerCatalog.FindSampler("DPM++ SDE");
        Assert.Equal(new Dictionary<string, string> { ["scheduler"] = "karras", ["second_order"] = "True", ["brownian_noise"] = "True" }, sde.Options);
        Assert.Equal(["scheduler", "discard_next_to_last_sigma", "uses_ensd", "second_order"], SamplerCatalog.FindSampler("DPM2 a").Options.Keys);
        Assert.Equal("heun", SamplerCatalog.FindSampler("k_dpmpp_2m_sde_heun").Options["solver_type"]);
        Assert.Empty(SamplerCatalog.FindSampler("Euler").Options);
        Assert.True(SamplerCatalog.FindSampler("Heun").SecondOrder);
        Assert.True(SamplerCatalog.FindSampler("Euler a").UsesEnsd);
        var karras = SamplerCatalog.FindScheduler("karras");
        Assert.Equal(("Karras", 7.0, false), (karras.Label, karras.DefaultRho, karras.NeedInnerModel));
        Assert.Equal(-1, SamplerCatalog.FindScheduler("Uniform").DefaultRho);
        Assert.True(SamplerCatalog.FindScheduler("SGMUniform").NeedInnerModel);
    }

    [Fact]
    public void UniPcRejectsUnknownVariant() =>
        Assert.Contains("UniPC variant", Assert.Throws<ArgumentException>(() => SamplerCatalog.Plan("UniPC", "Automatic", 20, S, new SamplerOptions { UniPcVariant = "bh3" })).Message);

    [Fact]
    public void DdimCfgPpNeedsTheGuidedDenoiser()
    {
        var plan = SamplerCatalog.Plan("DDIM CFG++", "Automatic", 10, S);
        var plain = new PlainDenoiser();
        var ex = Assert.Throws<InvalidOperationException>(() => plan.Sampler.Sample(new float[4], SamplingTestUtil.Context(plain, plan.Sigmas)));
        Assert.Contains("IGuidedDenoiser", ex.Message);
    }

    [Fact]
    public void DdimCfgPp_StepsAlongTheUnconditionalDirectionWithScaledGuidance()
    {
        var plan = SamplerCatalog.Plan("DDIM CFG++", "Automatic", 10, S);
        var model = new SplitDenoiser();
        var x = new float[] { 3f };
        plan.Sampler.Sample(x, SamplingTestUtil.Context(model, [plan.Sigmas[0], plan.Sigmas[1]]));
        Assert.Equal(1 / 12.5, model.Multiplier, 1e-15);
        // D = 1, D_u = 2: x' = D + σ'·(x − D_u)/σ
        Assert.Equal(1 + plan.Sigmas[1] * (3 - 2) / plan.Sigmas[0], x[0], 1e-6);
    }

    sealed class PlainDenoiser : IDenoiser
    {
        public void Denoise(ReadOnlySpan<float> x, double sigma, Span<float> denoised) => denoised.Clear();
    }

    sealed class SplitDenoiser : IGuidedDenoiser
    {
        public double Multiplier;
        public void Denoise(ReadOnlySpan<float> x, double sigma, Span<float> denoised) => throw new InvalidOperationException("CFG++ must use DenoiseGuided");
        public void DenoiseGuided(ReadOnlySpan<float> x, double sigma, double m, Span<float> denoised, Span<float> unconditional)
        {
            Multiplier = m;
            denoised.Fill(1);
            unconditional.Fill(2);
        }
    }
}
