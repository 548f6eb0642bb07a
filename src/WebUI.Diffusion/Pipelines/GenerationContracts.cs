namespace WebUI.Diffusion.Pipelines;

/// <summary>One finished picture: encoded PNG (with the `parameters` chunk), its seed and infotext.</summary>
public sealed record GeneratedImage(byte[] Png, long Seed, long Subseed, string Infotext, int Width, int Height);

/// <summary>All pictures of a request (batch count × batch size), in A1111's order.</summary>
public sealed record GenerationResult(IReadOnlyList<GeneratedImage> Images, GenerationRequest Request)
{
    /// <summary>Where the time went (zero when the producer did not measure).</summary>
    public PipelineTimings Timings { get; init; } = PipelineTimings.Zero;

    /// <summary>What the user should know about settings the engine could not honour for this model (e.g. a clip skip
    /// that SDXL ignores, an extra network it cannot apply); empty when everything applied.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>
/// Wall-clock seconds of one generation by stage. <see cref="TotalSeconds"/> includes model loading
/// (<see cref="ModelLoadSeconds"/>); <see cref="UnetCalls"/> counts ONNX UNet runs (a guided step is one call with a
/// dynamic batch axis, two with a batch fixed to 1).
/// </summary>
public sealed record PipelineTimings(double TotalSeconds, double UnetSeconds, double TextEncoderSeconds, double VaeSeconds, int UnetCalls)
{
    public double ModelLoadSeconds { get; init; }
    public static PipelineTimings Zero { get; } = new(0, 0, 0, 0, 0);
}

/// <summary>
/// Progress after each sampling step. <see cref="Latent"/> is the current batch latent [B,C,H,W] (scaled, UNet space),
/// valid only during the callback: copy it if you keep it (the engine reuses the buffer). <see cref="Batch"/> and
/// <see cref="Step"/> are 0-based: Step is the index of the sampler step just completed (0..<see cref="Steps"/> − 1),
/// like k-diffusion's callback "i".
/// </summary>
public readonly record struct GenerationProgress(
    int Batch, int BatchCount, int Step, int Steps, ReadOnlyMemory<float> Latent, int LatentChannels, int LatentHeight, int LatentWidth)
{
    /// <summary>The sampler's current prediction of the finished latent x₀ (what A1111 previews), same layout and lifetime as <see cref="Latent"/>; empty when the sampler gives none.</summary>
    public ReadOnlyMemory<float> Denoised { get; init; }
}
