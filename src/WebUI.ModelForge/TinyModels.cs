using WebUI.ModelForge.Architectures;

namespace WebUI.ModelForge;

/// <summary>
/// Tiny Stable Diffusion folders with the real architectures (every operator kind of SD 1.x / 2.x) and seeded random
/// weights: 4.5–8 MB per folder (2.4 MB fp16), each built in well under a second, one UNet call in a few
/// milliseconds at 64×64 pixels.
/// They exercise loaders, dtype/rank handling and the whole pipeline; their pictures are noise by design.
/// Families: SD 1.5 (four dialects), SD 2.1-v, SDXL base and refiner, SDXL-Turbo, SD-Turbo, LCM, SD 1.5 inpainting,
/// plus a standalone VAE; <see cref="All"/> lists the checkpoint folders that <c>webui forge tiny</c> writes.
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

    // ---- SDXL ----------------------------------------------------------------------------------------------------

    /// <summary>Tiny SDXL widths: text_encoder D1 = 32 (2 layers), text_encoder_2 D2 = 64 (3 layers) with projection P = 64.</summary>
    public const int SdxlTextWidth = 32, SdxlText2Width = 64, SdxlProjectionDim = 64, SdxlAdditionTimeEmbedDim = 16;

    /// <summary>
    /// Tiny SDXL-shaped parts: CLIP-L-like text_encoder (quick_gelu), OpenCLIP-bigG-like text_encoder_2 (gelu, projection),
    /// a UNet with SDXL's level layout (no attention at the first level, deeper transformers below), linear projections,
    /// cross_attention_dim D1 + D2 (refiner: D2 only), and the text_time add-embedding with 6 time_ids (refiner: 5).
    /// </summary>
    public static StableDiffusionXlSpec SdxlSpec(int vocabSize, bool refiner = false, int seed = 1) => new(
        Text: refiner ? null : new ClipTextArchitecture
        {
            VocabSize = vocabSize, HiddenSize = SdxlTextWidth, IntermediateSize = 4 * SdxlTextWidth, NumLayers = 2, Heads = 2,
        },
        Text2: new ClipTextArchitecture
        {
            VocabSize = vocabSize, HiddenSize = SdxlText2Width, IntermediateSize = 4 * SdxlText2Width, NumLayers = 3, Heads = 4,
            HiddenAct = "gelu", ProjectionDim = SdxlProjectionDim,
        },
        Unet: new UnetArchitecture
        {
            BlockOutChannels = [32, 64], CrossAttention = [false, true], AttentionHeads = [2, 4], TransformerLayersPerBlock = [1, 2],
            LayersPerBlock = 1, NormGroups = 8, UseLinearProjection = true, SampleSize = 128,
            CrossAttentionDim = (refiner ? 0 : SdxlTextWidth) + SdxlText2Width,
            AddEmbedding = new TextTimeEmbedding(SdxlProjectionDim, refiner ? 5 : 6, SdxlAdditionTimeEmbedDim),
        },
        Vae: TinyVae with { ScalingFactor = 0.13025f, SampleSize = 1024, ForceUpcast = true },
        Seed: seed);

    /// <summary>
    /// Writes a tiny SDXL folder (Optimum layout, fp32); <paramref name="refiner"/> writes the refiner instead
    /// (text_encoder_2 only, time_ids [B, 5] with the aesthetic score, StableDiffusionXLImg2ImgPipeline).
    /// </summary>
    public static string BuildSdxl(string outputDir, int seed = 1, bool refiner = false)
    {
        var vocab = TinyClipVocabulary.Default;
        StableDiffusionXlFolder.Write(outputDir, SdxlSpec(vocab.Size, refiner, seed), vocab);
        return Path.GetFullPath(outputDir);
    }

    /// <summary>
    /// A tiny SDXL-Turbo folder: the SDXL layout with sdxl-turbo's scheduler (EulerAncestralDiscreteScheduler,
    /// timestep_spacing "trailing"), 512-pixel sample sizes and _name_or_path "stabilityai/sdxl-turbo".
    /// </summary>
    public static string BuildSdxlTurbo(string outputDir, int seed = 1)
    {
        var vocab = TinyClipVocabulary.Default;
        var spec = SdxlSpec(vocab.Size, refiner: false, seed);
        spec = spec with
        {
            Unet = spec.Unet with { SampleSize = 64 },
            Vae = spec.Vae with { SampleSize = 512 },
            SchedulerClass = "EulerAncestralDiscreteScheduler",
            SchedulerSettings = TurboScheduler,
            ModelIndexSettings = new Dictionary<string, object?> { ["_name_or_path"] = "stabilityai/sdxl-turbo" },
        };
        StableDiffusionXlFolder.Write(outputDir, spec, vocab);
        return Path.GetFullPath(outputDir);
    }

    static Dictionary<string, object?> TurboScheduler => new() { ["timestep_spacing"] = "trailing", ["steps_offset"] = 1 };

    // ---- SD 1.x / 2.x variants -----------------------------------------------------------------------------------

    /// <summary>
    /// A tiny SD-Turbo folder (SD 2.1-base style, Optimum layout): GELU text encoder of width 64 padding with "!",
    /// linear projections, ε-prediction, EulerAncestralDiscreteScheduler with trailing spacing, _name_or_path
    /// "stabilityai/sd-turbo".
    /// </summary>
    public static string BuildSdTurbo(string outputDir, int seed = 1)
    {
        var vocab = TinyClipVocabulary.Default;
        var spec = Sd21VSpec(vocab.Size, seed) with
        {
            Dialect = TinyDialect.OptimumFp32,
            SchedulerClass = "EulerAncestralDiscreteScheduler",
            PredictionType = "epsilon",
            SchedulerSettings = TurboScheduler,
            ModelIndexSettings = new Dictionary<string, object?> { ["_name_or_path"] = "stabilityai/sd-turbo" },
        };
        spec = spec with { Unet = spec.Unet with { SampleSize = 64 } };
        StableDiffusionFolder.Write(outputDir, spec, vocab);
        return Path.GetFullPath(outputDir);
    }

    /// <summary>Width of the LCM guidance (w) embedding, the UNet input timestep_cond (diffusion-reference §3.16).</summary>
    public const int LcmTimeCondDim = 256;

    /// <summary>
    /// A tiny LCM-distilled SD 1.5 folder (Optimum layout, as LCM_Dreamshaper_v7 exports): the UNet takes
    /// timestep_cond [B, 256] through time_embedding.cond_proj; unet/config.json time_cond_proj_dim 256; scheduler
    /// LCMScheduler (original_inference_steps 50, timestep_scaling 10, set_alpha_to_one true);
    /// LatentConsistencyModelPipeline.
    /// </summary>
    public static string BuildLcm(string outputDir, int seed = 1)
    {
        var vocab = TinyClipVocabulary.Default;
        var spec = Sd15Spec(TinyDialect.OptimumFp32, vocab.Size, seed);
        spec = spec with
        {
            Unet = spec.Unet with { TimeCondProjDim = LcmTimeCondDim },
            SchedulerClass = "LCMScheduler",
            PredictionType = "epsilon",
            PipelineClass = "LatentConsistencyModelPipeline",
            SchedulerSettings = new Dictionary<string, object?>
            {
                ["clip_sample_range"] = 1.0,
                ["dynamic_thresholding_ratio"] = 0.995,
                ["original_inference_steps"] = 50,
                ["rescale_betas_zero_snr"] = false,
                ["sample_max_value"] = 1.0,
                ["set_alpha_to_one"] = true,
                ["thresholding"] = false,
                ["timestep_scaling"] = 10.0,
                ["timestep_spacing"] = "leading",
            },
        };
        StableDiffusionFolder.Write(outputDir, spec, vocab);
        return Path.GetFullPath(outputDir);
    }

    /// <summary>
    /// A tiny SD 1.5 inpainting folder: the UNet's sample has 9 channels (latents ‖ mask ‖ masked-image latents,
    /// diffusion-reference §5.3) and out_sample 4. The diffusers dialect declares the channel axis dynamic and writes
    /// no config (readers must probe); Optimum fixes it at 9 and writes in_channels 9 into unet/config.json.
    /// </summary>
    public static string BuildSd15Inpaint(string outputDir, TinyDialect dialect = TinyDialect.DiffusersFp32, int seed = 1)
    {
        var vocab = TinyClipVocabulary.Default;
        var spec = Sd15Spec(dialect, vocab.Size, seed);
        spec = spec with
        {
            Unet = spec.Unet with { InChannels = 9 },
            PipelineClass = ExportDialect.For(dialect).OptimumLayout ? "StableDiffusionInpaintPipeline" : "OnnxStableDiffusionInpaintPipeline",
        };
        StableDiffusionFolder.Write(outputDir, spec, vocab);
        return Path.GetFullPath(outputDir);
    }

    /// <summary>
    /// A separate VAE folder for the VAE-choice feature: only vae_decoder/ and vae_encoder/ (each with config.json,
    /// scaling_factor 0.18215), the tiny SD 1.5 VAE architecture (4 latent channels, ×8) in <paramref name="dialect"/>'s
    /// I/O, with weights of its own so swapping it into a tiny SD 1.5 model visibly changes the decoded image.
    /// </summary>
    public static string BuildStandaloneVae(string outputDir, TinyDialect dialect = TinyDialect.DiffusersFp32, int seed = 41)
    {
        var d = ExportDialect.For(dialect);
        Directory.CreateDirectory(outputDir);
        StableDiffusionFolder.WritePart(outputDir, "vae_encoder", d, seed, null, nn => TinyVae.BuildEncoder(nn, d), null);
        StableDiffusionFolder.WritePart(outputDir, "vae_decoder", d, seed + 1, null, nn => TinyVae.BuildDecoder(nn, d), null);
        foreach (var part in (string[])["vae_encoder", "vae_decoder"])
            PipelineFiles.WriteJson(Path.Combine(outputDir, part, "config.json"), TinyVae.ConfigJson());
        return Path.GetFullPath(outputDir);
    }

    // ---- Everything `webui forge tiny` writes --------------------------------------------------------------------

    /// <summary>A checkpoint folder of the tiny set: its folder name and the builder that writes it.</summary>
    public sealed record TinyFolder(string Name, Func<string, string> Build);

    /// <summary>Every tiny checkpoint folder, by the name it gets under the checkpoints directory.</summary>
    public static IReadOnlyList<TinyFolder> All { get; } =
    [
        new("tiny-diffusers-fp32", d => BuildSd15(d, TinyDialect.DiffusersFp32)),
        new("tiny-optimum-fp32", d => BuildSd15(d, TinyDialect.OptimumFp32)),
        new("tiny-fp16", d => BuildSd15(d, TinyDialect.Fp16)),
        new("tiny-legacy-int64-timestep", d => BuildSd15(d, TinyDialect.LegacyInt64Timestep)),
        new("tiny-sd21-v", d => BuildSd21V(d)),
        new("tiny-sdxl", d => BuildSdxl(d)),
        new("tiny-sdxl-refiner", d => BuildSdxl(d, refiner: true)),
        new("tiny-sdxl-turbo", d => BuildSdxlTurbo(d)),
        new("tiny-sd-turbo", d => BuildSdTurbo(d)),
        new("tiny-lcm", d => BuildLcm(d)),
        new("tiny-sd15-inpainting", d => BuildSd15Inpaint(d, TinyDialect.DiffusersFp32)),
        new("tiny-sd15-inpainting-optimum", d => BuildSd15Inpaint(d, TinyDialect.OptimumFp32)),
    ];

    /// <summary>Folder name of the standalone VAE (under the VAE directory) that <see cref="BuildAll"/> writes.</summary>
    public const string StandaloneVaeName = "tiny-vae";

    /// <summary>
    /// Writes every folder of <see cref="All"/> under <paramref name="checkpointsDir"/>; with <paramref name="vaeDir"/>
    /// also the standalone VAE (as <see cref="StandaloneVaeName"/>), with <paramref name="vaeApproxDir"/> the four TAESD
    /// files. Returns the full paths written, in that order.
    /// </summary>
    public static IReadOnlyList<string> BuildAll(string checkpointsDir, string? vaeDir = null, string? vaeApproxDir = null)
    {
        var written = All.Select(f => f.Build(Path.Combine(checkpointsDir, f.Name))).ToList();
        if (vaeDir is not null) written.Add(BuildStandaloneVae(Path.Combine(vaeDir, StandaloneVaeName)));
        if (vaeApproxDir is not null) written.AddRange(TaesdModels.BuildAll(vaeApproxDir));
        return written;
    }
}
