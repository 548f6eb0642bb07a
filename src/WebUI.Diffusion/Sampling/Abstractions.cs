namespace WebUI.Diffusion.Sampling;

/// <summary>
/// The model as a k-diffusion sampler sees it: D(x, σ), the denoised estimate with guidance already applied.
/// <paramref name="x"/> is the whole batch [B, C, H, W] flattened in C order; <paramref name="denoised"/> has the same length.
/// Implementations count their own calls (A1111 advances its per-step conditioning once per model call).
/// </summary>
public interface IDenoiser
{
    void Denoise(ReadOnlySpan<float> x, double sigma, Span<float> denoised);
}

/// <summary>
/// N(0, I) noise for the whole batch, each image's slice drawn from that image's own generator, in A1111's order
/// (what ancestral and SDE samplers get from <c>torch.randn_like</c>).
/// </summary>
public interface INoiseSource
{
    void Next(Span<float> destination);
}

/// <summary>Sampler settings A1111 exposes (defaults as k-diffusion/A1111 use them).</summary>
public sealed record SamplerOptions
{
    /// <summary>η for ancestral, SDE and DPM fast/adaptive samplers (A1111 eta_ancestral, default 1) and for DDIM
    /// (eta_ddim, default 0); null means that default.</summary>
    public double? Eta { get; init; }
    public double SChurn { get; init; }
    public double STmin { get; init; }
    public double STmax { get; init; } = double.PositiveInfinity;
    public double SNoise { get; init; } = 1.0;

    // Schedule settings (A1111 "Sampler parameters" settings page). Null or 0 means "use the default".
    /// <summary>opts.sigma_min: overrides the model's smallest σ for the schedulers that take σ_min.</summary>
    public double? SigmaMin { get; init; }
    /// <summary>opts.sigma_max: overrides the model's largest σ for the schedulers that take σ_max.</summary>
    public double? SigmaMax { get; init; }
    /// <summary>opts.rho: replaces the default ρ of Karras (7) and Polyexponential (1).</summary>
    public double? Rho { get; init; }
    /// <summary>opts.always_discard_next_to_last_sigma.</summary>
    public bool AlwaysDiscardNextToLastSigma { get; init; }
    /// <summary>opts.use_old_karras_scheduler_sigmas: σ range (0.1, 10) instead of the model's.</summary>
    public bool UseOldKarrasSchedulerSigmas { get; init; }
    /// <summary>opts.beta_dist_alpha / beta_dist_beta for the Beta scheduler.</summary>
    public double BetaAlpha { get; init; } = 0.6;
    public double BetaBeta { get; init; } = 0.6;
    /// <summary>Align Your Steps picks NVIDIA's SDXL list instead of the SD 1.5 one.</summary>
    public bool IsSdxl { get; init; }

    // UniPC settings (opts.uni_pc_*).
    /// <summary>"bh1" (A1111 default), "bh2" or "vary_coeff".</summary>
    public string UniPcVariant { get; init; } = "bh1";
    /// <summary>"time_uniform" (default), "time_quadratic" or "logSNR".</summary>
    public string UniPcSkipType { get; init; } = "time_uniform";
    public int UniPcOrder { get; init; } = 3;
    public bool UniPcLowerOrderFinal { get; init; } = true;
}

/// <summary>
/// One step's report from a sampler: the current latent (after the step's update) and the model's denoised estimate.
/// X and Denoised are views of the sampler's reused buffers: copy them if they must outlive the callback.
/// </summary>
public readonly record struct SamplerStep(int Step, int TotalSteps, double Sigma, ReadOnlyMemory<float> X, ReadOnlyMemory<float> Denoised);

/// <summary>Everything a sampler needs besides the latent it integrates.</summary>
public sealed class SamplingContext
{
    public required IDenoiser Model { get; init; }
    public required INoiseSource Noise { get; init; }
    /// <summary>σ[0..N], σ[N] = 0 (or the img2img tail of such a list).</summary>
    public required double[] Sigmas { get; init; }
    public NoiseSchedule Schedule { get; init; } = NoiseSchedule.Default;
    public SamplerOptions Options { get; init; } = new();
    /// <summary>Called once per sampler step (not per model call), after the step's update.</summary>
    public Action<SamplerStep>? Callback { get; init; }
    public CancellationToken CancellationToken { get; init; }
}

/// <summary>A sampler: one short routine over a denoiser, like k-diffusion's <c>sample_*</c> functions.</summary>
public interface ISampler
{
    /// <summary>A1111's name, e.g. "DPM++ 2M".</summary>
    string Name { get; }
    /// <summary>Integrates <paramref name="x"/> (already noised to σ[0]) in place down the context's σ list.</summary>
    void Sample(float[] x, SamplingContext context);
}
