namespace WebUI.Diffusion.Sampling;

/// <summary>
/// A resolved sampling setup: the sampler, its σ list and the labels infotext records
/// (<see cref="SchedulerLabel"/> is exactly what A1111 writes as "Schedule type").
/// </summary>
public sealed record SamplingPlan(ISampler Sampler, double[] Sigmas, string SamplerName, string SchedulerLabel)
{
    SamplerInfo? _info;
    double? _initialNoiseScale;

    /// <summary>The catalog entry (flags such as SecondOrder, UsesEnsd, Kind); looked up by name when not given.</summary>
    public SamplerInfo Info { get => _info ??= SamplerCatalog.FindSampler(SamplerName); init => _info = value; }

    /// <summary>
    /// What txt2img multiplies N(0, I) noise by to get x at σ[0]: σ[0] for k-diffusion samplers; √(1+σ[0]²) for
    /// the timestep samplers, whose x_T is unit-variance noise in VP scaling (x_k = x_VP·√(1+σ²)).
    /// img2img uses x0 + noise·σ'[0] for every sampler. Defaults to σ[0] when not given.
    /// </summary>
    public double InitialNoiseScale
    {
        get => _initialNoiseScale ?? (Sigmas.Length > 0 ? Sigmas[0] : 0);
        init => _initialNoiseScale = value;
    }

    /// <summary>Extra infotext entries A1111 adds for this setup ("Eta", "Schedule rho", "Discard penultimate sigma", ...), in order.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> ExtraGenerationParams { get; init; } = [];
}
