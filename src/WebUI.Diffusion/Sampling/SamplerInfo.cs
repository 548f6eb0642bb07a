namespace WebUI.Diffusion.Sampling;

/// <summary>Which machinery A1111 runs a sampler with.</summary>
public enum SamplerKind
{
    /// <summary>k-diffusion sampler over a σ list from the chosen scheduler.</summary>
    KDiffusion,
    /// <summary>DDIM / DDIM CFG++ / PLMS / UniPC: own timestep grid, scheduler ignored, x_T is unit noise in VP scaling.</summary>
    Timestep,
    /// <summary>LCM: k-diffusion style over A1111's 50-step LCM σ table; the engine must use the LCM denoiser.</summary>
    Lcm,
}

/// <summary>
/// One entry of A1111's sampler list (<c>/sdapi/v1/samplers</c>): name, aliases and the options A1111 declares,
/// plus what the engine needs to know to drive it.
/// </summary>
public sealed record SamplerInfo(string Name, IReadOnlyList<string> Aliases, SamplerKind Kind)
{
    /// <summary>The scheduler *name* "Automatic" resolves to (e.g. "karras"); null = the model's own Uniform σ.</summary>
    public string? DefaultScheduler { get; init; }
    /// <summary>Two model calls per step: A1111 doubles the step count for prompt-editing schedules and progress.</summary>
    public bool SecondOrder { get; init; }
    public bool DiscardNextToLastSigma { get; init; }
    /// <summary>ENSD (eta noise seed delta) is reported in infotext for it when η ≠ 0.</summary>
    public bool UsesEnsd { get; init; }
    /// <summary>A1111 feeds it Brownian-tree noise (we substitute exact-in-distribution draws; see the SDE samplers).</summary>
    public bool BrownianNoise { get; init; }
    public string? SolverType { get; init; }
    /// <summary>The sampler takes η (k-diffusion eta_ancestral default 1, DDIM eta_ddim default 0).</summary>
    public bool HasEta { get; init; }
    public double DefaultEta { get; init; }
    /// <summary>Takes s_churn, s_tmin, s_tmax (A1111 sampler_extra_params: Euler, Heun, DPM2).</summary>
    public bool TakesChurn { get; init; }
    /// <summary>Takes s_noise (A1111 passes it only to these; the others always use 1).</summary>
    public bool TakesSNoise { get; init; }
    /// <summary>The denoiser must implement <see cref="IGuidedDenoiser"/> (CFG++).</summary>
    public bool NeedsUnconditional { get; init; }

    internal Func<SamplerOptions, ISampler> Create { get; init; } = _ => throw new InvalidOperationException("No factory.");

    /// <summary>A1111's options dict as the API returns it (values as strings, "True" for flags), in A1111's key order.</summary>
    public IReadOnlyDictionary<string, string> Options
    {
        get
        {
            var o = new Dictionary<string, string>();
            if (DefaultScheduler is not null) o["scheduler"] = DefaultScheduler;
            if (DiscardNextToLastSigma) o["discard_next_to_last_sigma"] = "True";
            if (UsesEnsd) o["uses_ensd"] = "True";
            if (SecondOrder) o["second_order"] = "True";
            if (BrownianNoise) o["brownian_noise"] = "True";
            if (SolverType is not null) o["solver_type"] = SolverType;
            return o;
        }
    }
}

/// <summary>One entry of A1111's scheduler list (<c>/sdapi/v1/schedulers</c>).</summary>
public sealed record SchedulerInfo(string Name, string Label, IReadOnlyList<string> Aliases, double DefaultRho = -1, bool NeedInnerModel = false);
