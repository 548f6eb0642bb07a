using WebUI.Diffusion.Sampling.Samplers;

namespace WebUI.Diffusion.Sampling;

public static partial class SamplerCatalog
{
    // A1111 1.10: sd_samplers_kdiffusion.samplers_k_diffusion, then sd_samplers_timesteps, then sd_samplers_lcm.
    static SamplerInfo[] BuildSamplers() =>
    [
        K("DPM++ 2M", ["k_dpmpp_2m"], _ => new DpmPp2MSampler()) with { DefaultScheduler = "karras" },
        K("DPM++ SDE", ["k_dpmpp_sde"], _ => new DpmPpSdeSampler()) with { TakesSNoise = true, DefaultScheduler = "karras", SecondOrder = true, BrownianNoise = true, HasEta = true, DefaultEta = 1 },
        K("DPM++ 2M SDE", ["k_dpmpp_2m_sde"], _ => new DpmPp2MSdeSampler(heun: false)) with { TakesSNoise = true, DefaultScheduler = "exponential", BrownianNoise = true, HasEta = true, DefaultEta = 1 },
        K("DPM++ 2M SDE Heun", ["k_dpmpp_2m_sde_heun"], _ => new DpmPp2MSdeSampler(heun: true)) with { TakesSNoise = true, DefaultScheduler = "exponential", BrownianNoise = true, SolverType = "heun", HasEta = true, DefaultEta = 1 },
        K("DPM++ 2S a", ["k_dpmpp_2s_a"], _ => new DpmPp2SAncestralSampler()) with { TakesSNoise = true, DefaultScheduler = "karras", UsesEnsd = true, SecondOrder = true, HasEta = true, DefaultEta = 1 },
        K("DPM++ 3M SDE", ["k_dpmpp_3m_sde"], _ => new DpmPp3MSdeSampler()) with { TakesSNoise = true, DefaultScheduler = "exponential", DiscardNextToLastSigma = true, BrownianNoise = true, HasEta = true, DefaultEta = 1 },
        K("Euler a", ["k_euler_a", "k_euler_ancestral"], _ => new EulerAncestralSampler()) with { TakesSNoise = true, UsesEnsd = true, HasEta = true, DefaultEta = 1 },
        K("Euler", ["k_euler"], _ => new EulerSampler()) with { TakesChurn = true, TakesSNoise = true },
        K("LMS", ["k_lms"], _ => new LmsSampler()),
        K("Heun", ["k_heun"], _ => new HeunSampler()) with { TakesChurn = true, TakesSNoise = true, SecondOrder = true },
        K("DPM2", ["k_dpm_2"], _ => new Dpm2Sampler()) with { TakesChurn = true, TakesSNoise = true, DefaultScheduler = "karras", DiscardNextToLastSigma = true, SecondOrder = true },
        K("DPM2 a", ["k_dpm_2_a"], _ => new Dpm2AncestralSampler()) with { TakesSNoise = true, DefaultScheduler = "karras", DiscardNextToLastSigma = true, UsesEnsd = true, SecondOrder = true, HasEta = true, DefaultEta = 1 },
        K("DPM fast", ["k_dpm_fast"], _ => new DpmFastSampler()) with { TakesSNoise = true, UsesEnsd = true, HasEta = true, DefaultEta = 1 },
        K("DPM adaptive", ["k_dpm_ad"], _ => new DpmAdaptiveSampler()) with { UsesEnsd = true, HasEta = true, DefaultEta = 1 },
        K("Restart", ["restart"], _ => new RestartSampler()) with { DefaultScheduler = "karras", SecondOrder = true },
        new SamplerInfo("DDIM", ["ddim"], SamplerKind.Timestep) { Create = _ => new DdimSampler(), HasEta = true, DefaultEta = 0 },
        new SamplerInfo("DDIM CFG++", ["ddim_cfgpp"], SamplerKind.Timestep) { Create = _ => new DdimCfgPpSampler(), HasEta = true, DefaultEta = 0, NeedsUnconditional = true },
        new SamplerInfo("PLMS", ["plms"], SamplerKind.Timestep) { Create = _ => new PlmsSampler() },
        new SamplerInfo("UniPC", ["unipc"], SamplerKind.Timestep) { Create = CreateUniPc },
        new SamplerInfo("LCM", ["k_lcm"], SamplerKind.Lcm) { Create = _ => new LcmSampler() },
    ];

    static SamplerInfo K(string name, string[] aliases, Func<SamplerOptions, ISampler> create) =>
        new(name, aliases, SamplerKind.KDiffusion) { Create = create };

    static ISampler CreateUniPc(SamplerOptions o)
    {
        if (o.UniPcVariant is not ("bh1" or "bh2" or "vary_coeff"))
            throw new ArgumentException($"Unknown UniPC variant '{o.UniPcVariant}'. Expected bh1, bh2 or vary_coeff.");
        if (o.UniPcOrder < 1) throw new ArgumentOutOfRangeException(nameof(o), "UniPC order must be at least 1.");
        return new UniPcSampler(o.UniPcVariant, o.UniPcOrder, o.UniPcLowerOrderFinal);
    }

    // A1111 1.10 sd_schedulers.schedulers
    static SchedulerInfo[] BuildSchedulers() =>
    [
        new("automatic", "Automatic", []),
        new("uniform", "Uniform", [], NeedInnerModel: true),
        new("karras", "Karras", [], DefaultRho: 7.0),
        new("exponential", "Exponential", []),
        new("polyexponential", "Polyexponential", [], DefaultRho: 1.0),
        new("sgm_uniform", "SGM Uniform", ["SGMUniform"], NeedInnerModel: true),
        new("kl_optimal", "KL Optimal", []),
        new("align_your_steps", "Align Your Steps", []),
        new("simple", "Simple", [], NeedInnerModel: true),
        new("normal", "Normal", [], NeedInnerModel: true),
        new("ddim", "DDIM", [], NeedInnerModel: true),
        new("beta", "Beta", [], NeedInnerModel: true),
    ];

    /// <summary>
    /// Aliases of the combined samplers A1111 had before 1.9 ("DPM++ 2M Karras" was its own sampler, alias
    /// k_dpmpp_2m_ka), so old API clients and scripts keep working: alias → (sampler, scheduler name).
    /// </summary>
    static readonly Dictionary<string, (string Sampler, string Scheduler)> LegacyAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["k_lms_ka"] = ("LMS", "karras"),
        ["k_dpm_2_ka"] = ("DPM2", "karras"),
        ["k_dpm_2_a_ka"] = ("DPM2 a", "karras"),
        ["k_dpmpp_2s_a_ka"] = ("DPM++ 2S a", "karras"),
        ["k_dpmpp_2m_ka"] = ("DPM++ 2M", "karras"),
        ["k_dpmpp_sde_ka"] = ("DPM++ SDE", "karras"),
        ["k_dpmpp_2m_sde_ka"] = ("DPM++ 2M SDE", "karras"),
        ["k_dpmpp_2m_sde_exp"] = ("DPM++ 2M SDE", "exponential"),
        ["k_dpmpp_2m_sde_heun_ka"] = ("DPM++ 2M SDE Heun", "karras"),
        ["k_dpmpp_2m_sde_heun_exp"] = ("DPM++ 2M SDE Heun", "exponential"),
        ["k_dpmpp_3m_sde_ka"] = ("DPM++ 3M SDE", "karras"),
        ["k_dpmpp_3m_sde_exp"] = ("DPM++ 3M SDE", "exponential"),
    };
}
