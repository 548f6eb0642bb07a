namespace WebUI.Previews;

public enum PreviewFormat
{
    /// <summary>An 8-bit quantised latent with per-channel scale/offset (<see cref="LatentFrameCodec"/>); the browser applies the matrix.</summary>
    Latent8,
    /// <summary>A JPEG picture decoded with the real VAE on the server.</summary>
    Jpeg,
}

/// <summary>
/// One live-preview frame of a running job. Frames come from a small ring of reused buffers (no allocation per step),
/// so a frame's <see cref="Bytes"/> are overwritten a few previews later: send or copy them when the "preview" event
/// arrives. <see cref="Sequence"/> grows with every frame of the process and tells a stale reference apart.
/// </summary>
public sealed class PreviewFrame
{
    internal PreviewFrame(int capacity) => Buffer = new byte[capacity];

    internal byte[] Buffer { get; private set; }

    public Guid JobId { get; internal set; }
    public PreviewFormat Format { get; internal set; }
    public long Sequence { get; internal set; }
    /// <summary>1-based batch iteration and sampler steps done when the frame was made.</summary>
    public int Batch { get; internal set; }
    public int Step { get; internal set; }
    public int Steps { get; internal set; }
    public int Length { get; internal set; }

    /// <summary>The encoded frame: <see cref="LatentFrameCodec"/> layout for Latent8, a JPEG file for Jpeg.</summary>
    public ReadOnlyMemory<byte> Bytes => Buffer.AsMemory(0, Length);

    /// <summary>The model's latent→RGB map as JSON (<c>{"factors":[[r,g,b],...],"bias":[r,g,b]}</c>) for the browser decoder.</summary>
    public string MatrixJson { get; internal set; } = "";

    internal void EnsureCapacity(int bytes)
    {
        if (Buffer.Length < bytes) Buffer = new byte[bytes];
    }
}
