namespace WebUI.Diffusion.Models;

/// <summary>How the engine finds models and runs ONNX Runtime.</summary>
public sealed class EngineOptions
{
    /// <summary>A1111-style models folder; checkpoints live in <c>&lt;ModelsDir&gt;/Stable-diffusion/</c>.</summary>
    public string ModelsDir { get; set; } = "models";

    /// <summary>Textual-inversion embeddings folder; null means &lt;ModelsDir&gt;/embeddings.</summary>
    public string? EmbeddingsDir { get; set; }

    /// <summary>ONNX Runtime intra-op threads per session; 0 lets ONNX Runtime choose (one per physical core).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>"Auto", "Cpu", "Cuda" or "DirectML". Auto picks the accelerator this build was compiled for when present.</summary>
    public string ExecutionProvider { get; set; } = "Auto";
}
