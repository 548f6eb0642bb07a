using WebUI.ModelForge.Architectures;

namespace WebUI.ModelForge;

/// <summary>
/// Tiny Stable Diffusion folders with the real architectures (every operator kind of SD 1.x / 2.x) and seeded random
/// weights: about 4.5 MB per folder (2.4 MB fp16), built in a fraction of a second, one UNet call in a few
/// milliseconds at 64×64 pixels.
/// They exercise loaders, dtype/rank handling and the whole pipeline; their pictures are noise by design.
/// </summary>
public static class TinyModels
{
    /// <summary>Tiny SD 1.x-shaped parts: CLIP width 32 (2 layers), UNet channels (32, 64), VAE (16, 16, 32, 32).</summary>
    public static StableDiffusionSpec Sd15Spec(TinyDialect dialect, int vocabSize, int seed = 1) => new(
        Text: new ClipTextArchitecture { VocabSize = vocabSize, HiddenSize = 32, IntermediateSize = 128, NumLayers = 2, Heads = 2 },
        Unet: new UnetArchitecture
        {
            BlockOutChannels = [32, 64], CrossAttention = [true, false], AttentionHeads = [2, 4], LayersPerBlock = 1,
            CrossAttentionDim = 32, NormGroups = 8, SampleSize = 64,
        },
        Vae: TinyVae,
        Dialect: dialect,
        PadToken: TinyClipVocabulary.EndOfText,
        Seed: seed);

    /// <summary>Tiny SD 2.x-v-shaped parts: GELU text encoder of width 64, linear transformer projections, v-prediction.</summary>
    public static StableDiffusionSpec Sd21VSpec(int vocabSize, int seed = 1) => new(
        Text: new ClipTextArchitecture { VocabSize = vocabSize, HiddenSize = 64, IntermediateSize = 256, NumLayers = 2, Heads = 4, HiddenAct = "gelu" },
        Unet: new UnetArchitecture
        {
            BlockOutChannels = [32, 64], CrossAttention = [true, false], AttentionHeads = [2, 4], LayersPerBlock = 1,
            CrossAttentionDim = 64, NormGroups = 8, UseLinearProjection = true, SampleSize = 96,
        },
        Vae: TinyVae,
        Dialect: TinyDialect.DiffusersFp32,
        PadToken: "!",
        SchedulerClass: "DDIMScheduler",
        PredictionType: "v_prediction",
        Seed: seed);

    static VaeArchitecture TinyVae { get; } = new() { BlockOutChannels = [16, 16, 32, 32], LayersPerBlock = 1, NormGroups = 8 };

    /// <summary>Writes a tiny SD 1.5-architecture folder in <paramref name="dialect"/>; returns the folder's full path.</summary>
    public static string BuildSd15(string outputDir, TinyDialect dialect, int seed = 1)
    {
        var vocab = TinyClipVocabulary.Default;
        StableDiffusionFolder.Write(outputDir, Sd15Spec(dialect, vocab.Size, seed), vocab);
        return Path.GetFullPath(outputDir);
    }

    /// <summary>
    /// Writes a tiny SD 2.1-v-architecture folder (diffusers fp32 layout): scheduler prediction_type "v_prediction",
    /// tokenizer padding with "!" (id 0), 64-wide text states declared consistently in the UNet.
    /// </summary>
    public static string BuildSd21V(string outputDir, int seed = 1)
    {
        var vocab = TinyClipVocabulary.Default;
        StableDiffusionFolder.Write(outputDir, Sd21VSpec(vocab.Size, seed), vocab);
        return Path.GetFullPath(outputDir);
    }
}
