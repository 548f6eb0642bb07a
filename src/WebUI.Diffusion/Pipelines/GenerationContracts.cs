namespace WebUI.Diffusion.Pipelines;

/// <summary>One finished picture: encoded PNG (with the `parameters` chunk), its seed and infotext.</summary>
public sealed record GeneratedImage(byte[] Png, long Seed, long Subseed, string Infotext, int Width, int Height);

/// <summary>All pictures of a request (batch count × batch size), in A1111's order.</summary>
public sealed record GenerationResult(IReadOnlyList<GeneratedImage> Images, GenerationRequest Request);

/// <summary>
/// Progress after each sampling step. <see cref="Latent"/> is the current batch latent [B,C,H,W] (scaled, UNet space),
/// valid only during the callback: copy it if you keep it (the engine reuses the buffer).
/// </summary>
public readonly record struct GenerationProgress(
    int Batch, int BatchCount, int Step, int Steps, ReadOnlyMemory<float> Latent, int LatentChannels, int LatentHeight, int LatentWidth);
