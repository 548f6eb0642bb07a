using System.Diagnostics;
using System.Globalization;
using System.Text;
using WebUI.Diffusion.Sampling;
using WebUI.ModelForge.Onnx;

namespace WebUI.ModelForge.Demo;

/// <summary>The demo VAE's exact latent→RGB map for previews: rgb[c] = Σ_k latent[k]·Factors[k, c] + Bias[c] on UNet-space latents.</summary>
public sealed record LatentRgbMap(float[,] Factors, float[] Bias);

/// <summary>
/// The built-in "demo" checkpoint: a complete diffusers-script ONNX folder (model_index.json, scheduler, CLIP tokenizer,
/// text_encoder, unet, vae_encoder, vae_decoder) whose UNet is the exact denoiser of a procedurally drawn gallery
/// (see /docs demo-model.md and <see cref="DemoUnetGraph"/>). Any correct sampler turns noise into one of the gallery
/// pictures; the prompt chooses among the scene families and the seed among their members.
/// </summary>
public static class DemoModel
{
    /// <summary>Text hidden size, as SD 1.x's CLIP ViT-L.</summary>
    public const int HiddenSize = 768;

    /// <summary>β: log-prior per unit of prompt affinity. 10 nats lets a named scene win while the seed still picks its member.</summary>
    public const float PromptStrength = 20f;

    /// <summary>τ: per-element std of the texture around each gallery latent, in UNet space (a few 8-bit levels after decoding).</summary>
    public const float Texture = 0.03f;

    /// <summary>The exact preview map (a fresh copy; it is also written to vae_decoder/config.json).</summary>
    public static LatentRgbMap LatentToRgb => new(DemoLatentSpace.DecodeMatrix(), DemoLatentSpace.MeanRgb.ToArray());

    /// <summary>
    /// Writes the demo model into <paramref name="outputDir"/> (created if missing; existing model files are replaced)
    /// and returns its full path. Takes a second or two: the gallery is drawn and encoded in parallel.
    /// </summary>
    public static string Build(string outputDir, IProgress<string>? log = null) => Build(outputDir, log, out _);

    /// <summary>As <see cref="Build(string, IProgress{string}?)"/>, also handing back the gallery latents μ [K, 4, 64, 64] it encoded.</summary>
    internal static string Build(string outputDir, IProgress<string>? log, out float[] latents)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDir);
        var root = Path.GetFullPath(outputDir);
        Directory.CreateDirectory(root);
        var clock = Stopwatch.StartNew();
        var scenes = DemoGallery.Scenes;
        log?.Report($"Drawing {scenes.Count} demo scenes in {DemoGallery.Families.Count} families");
        latents = DemoGallery.EncodeAll();

        var tokenizer = DemoTokenizer.Build();
        tokenizer.Write(Path.Combine(root, "tokenizer"));
        log?.Report($"Tokenizer: {tokenizer.Vocabulary.Count} tokens, {tokenizer.Merges.Count} merges");

        var affinity = tokenizer.AffinityTable(scenes);
        ModelWriter.Save(DemoTextEncoderGraph.Build(affinity, tokenizer.Vocabulary.Count, scenes.Count, HiddenSize),
            Path.Combine(root, "text_encoder", "model.onnx"));
        var sigmas = NoiseSchedule.Default.Sigmas.ToArray();
        ModelWriter.Save(DemoUnetGraph.Build(latents, scenes.Count, DemoGallery.LatentSize, sigmas, PromptStrength, Texture, HiddenSize),
            Path.Combine(root, "unet", "model.onnx"), externalDataFile: "weights.pb");
        ModelWriter.Save(DemoVaeGraphs.Decoder(), Path.Combine(root, "vae_decoder", "model.onnx"));
        ModelWriter.Save(DemoVaeGraphs.Encoder(), Path.Combine(root, "vae_encoder", "model.onnx"));

        var utf8 = new UTF8Encoding(false);
        File.WriteAllText(Path.Combine(root, "model_index.json"), ModelIndex, utf8);
        Directory.CreateDirectory(Path.Combine(root, "scheduler"));
        File.WriteAllText(Path.Combine(root, "scheduler", "scheduler_config.json"), SchedulerConfig, utf8);
        File.WriteAllText(Path.Combine(root, "vae_decoder", "config.json"), VaeConfig(), utf8);
        log?.Report($"Demo model written to {root} in {clock.Elapsed.TotalSeconds:F1} s");
        return root;
    }

    const string ModelIndex = """
        {
          "_class_name": "OnnxStableDiffusionPipeline",
          "_diffusers_version": "0.30.0",
          "_name_or_path": "webui/demo",
          "feature_extractor": [null, null],
          "requires_safety_checker": false,
          "safety_checker": [null, null],
          "scheduler": ["diffusers", "PNDMScheduler"],
          "text_encoder": ["diffusers", "OnnxRuntimeModel"],
          "tokenizer": ["transformers", "CLIPTokenizer"],
          "unet": ["diffusers", "OnnxRuntimeModel"],
          "vae_decoder": ["diffusers", "OnnxRuntimeModel"],
          "vae_encoder": ["diffusers", "OnnxRuntimeModel"]
        }

        """;

    // SD 1.5's scheduler config: PNDM, ε-prediction, scaled_linear betas 0.00085…0.012, steps_offset 1.
    const string SchedulerConfig = """
        {
          "_class_name": "PNDMScheduler",
          "_diffusers_version": "0.30.0",
          "beta_end": 0.012,
          "beta_schedule": "scaled_linear",
          "beta_start": 0.00085,
          "clip_sample": false,
          "num_train_timesteps": 1000,
          "prediction_type": "epsilon",
          "set_alpha_to_one": false,
          "skip_prk_steps": true,
          "steps_offset": 1,
          "trained_betas": null
        }

        """;

    // The diffusers AutoencoderKL fields a consumer may read, plus the exact preview map (rows = latent channels).
    static string VaeConfig()
    {
        var map = LatentToRgb;
        static string F(float v) => v.ToString("R", CultureInfo.InvariantCulture);
        var rows = Enumerable.Range(0, DemoLatentSpace.Channels)
            .Select(k => $"    [{F(map.Factors[k, 0])}, {F(map.Factors[k, 1])}, {F(map.Factors[k, 2])}]");
        return $$"""
            {
              "_class_name": "AutoencoderKL",
              "_diffusers_version": "0.30.0",
              "in_channels": 3,
              "out_channels": 3,
              "latent_channels": {{DemoLatentSpace.Channels}},
              "sample_size": {{DemoGallery.PixelSize}},
              "scaling_factor": {{F(DemoLatentSpace.ScalingFactor)}},
              "latent_rgb_factors": [
            {{string.Join(",\n", rows)}}
              ],
              "latent_rgb_bias": [{{string.Join(", ", map.Bias.Select(F))}}],
              "latent_rgb_space": "scaled"
            }

            """;
    }
}
