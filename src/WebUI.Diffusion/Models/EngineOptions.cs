namespace WebUI.Diffusion.Models;

/// <summary>How the engine keeps model parts in memory.</summary>
public enum MemoryMode
{
    /// <summary>Text encoder, UNet and VAE stay loaded between generations (fast; the default).</summary>
    KeepLoaded = 0,
    /// <summary>Each part is loaded when its stage starts and released when it ends, so only one is in memory at a time
    /// (A1111's --lowvram idea: slower, lowest peak memory).</summary>
    Sequential = 1,
}

/// <summary>When VAE decoding and encoding run in overlapping tiles (diffusion-reference §7).</summary>
public enum VaeTilingMode
{
    /// <summary>Tiles above <see cref="EngineOptions.VaeTilingThresholdPixels"/>.</summary>
    Auto = 0,
    Always = 1,
    Never = 2,
}

/// <summary>How the engine finds models and runs ONNX Runtime.</summary>
public sealed class EngineOptions
{
    /// <summary>A1111-style models folder; checkpoints live in <c>&lt;ModelsDir&gt;/Stable-diffusion/</c>, separate VAEs in
    /// <c>VAE/</c>, TAESD preview decoders in <c>VAE-approx/</c>.</summary>
    public string ModelsDir { get; set; } = "models";

    /// <summary>Textual-inversion embeddings folder; null means &lt;ModelsDir&gt;/embeddings.</summary>
    public string? EmbeddingsDir { get; set; }

    /// <summary>ONNX Runtime intra-op threads per session; 0 lets ONNX Runtime choose (one per physical core).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>"Auto", "Cpu", "Cuda" or "DirectML". Auto picks the accelerator this build was compiled for when present.</summary>
    public string ExecutionProvider { get; set; } = "Auto";

    /// <summary>Keep every part loaded (default) or load text encoder, UNet and VAE one at a time.</summary>
    public MemoryMode MemoryMode { get; set; } = MemoryMode.KeepLoaded;

    /// <summary>Unload the model after it has not been used for this long; null or zero keeps it until another is needed.</summary>
    public TimeSpan? UnloadModelAfterIdle { get; set; }

    /// <summary>A1111's sd_vae: a folder name under VAE/, or "Automatic" (the model's own VAE). A request's Vae overrides it.</summary>
    public string SdVae { get; set; } = "Automatic";

    /// <summary>Tiled VAE policy; a request's TiledVae overrides it.</summary>
    public VaeTilingMode VaeTiling { get; set; } = VaeTilingMode.Auto;

    /// <summary>Auto tiling starts above this many image pixels (width × height); default 1536².</summary>
    public long VaeTilingThresholdPixels { get; set; } = 1536L * 1536;

    /// <summary>Tile size in image pixels; 0 = the VAE config's sample_size (512 for SD 1.x/2.x, 1024 for SDXL).</summary>
    public int VaeTileSize { get; set; }

    /// <summary>
    /// Output range of TAESD decoders that say nothing about it (no sidecar JSON, no metadata): "0,1" for taesd.py
    /// exports (A1111's files), "-1,1" for diffusers AutoencoderTiny.decode exports.
    /// </summary>
    public string TaesdOutputRange { get; set; } = "0,1";
}
