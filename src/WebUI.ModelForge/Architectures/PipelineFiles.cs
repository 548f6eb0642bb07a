using System.Text.Encodings.Web;
using System.Text.Json;

namespace WebUI.ModelForge.Architectures;

/// <summary>The JSON side files of a Stable Diffusion folder: model_index.json and scheduler/scheduler_config.json.</summary>
public static class PipelineFiles
{
    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    static readonly JsonSerializerOptions Compact = new() { WriteIndented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void WriteJson(string path, object value, bool indented = true)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(value, indented ? Indented : Compact) + "\n");
    }

    /// <summary>
    /// model_index.json as each exporter leaves it: the diffusers script names OnnxStableDiffusionPipeline with
    /// OnnxRuntimeModel parts; Optimum keeps the source pipeline's index (StableDiffusionPipeline, CLIPTextModel, …).
    /// </summary>
    public static void WriteModelIndex(string dir, ExportDialect dialect, string schedulerClass, string? pipelineClass = null,
        IReadOnlyDictionary<string, object?>? extra = null)
    {
        object?[] none = [null, null];
        var index = new Dictionary<string, object?>
        {
            ["_class_name"] = pipelineClass ?? (dialect.OptimumLayout ? "StableDiffusionPipeline" : "OnnxStableDiffusionPipeline"),
            ["_diffusers_version"] = "0.30.0",
            ["feature_extractor"] = none,
            ["requires_safety_checker"] = false,
            ["safety_checker"] = none,
            ["scheduler"] = new[] { "diffusers", schedulerClass },
            ["tokenizer"] = new[] { "transformers", "CLIPTokenizer" },
        };
        if (dialect.OptimumLayout)
        {
            index["image_encoder"] = none;
            index["text_encoder"] = new[] { "transformers", "CLIPTextModel" };
            index["unet"] = new[] { "diffusers", "UNet2DConditionModel" };
            index["vae"] = new[] { "diffusers", "AutoencoderKL" };
        }
        else
        {
            foreach (var part in (string[])["text_encoder", "unet", "vae_decoder", "vae_encoder"])
                index[part] = new[] { "diffusers", "OnnxRuntimeModel" };
        }
        Merge(index, extra);
        WriteJson(Path.Combine(dir, "model_index.json"), index);
    }

    /// <summary>
    /// The scheduler config SD ships: scaled_linear betas 0.00085…0.012 over 1000 steps. SD 1.x ships a PNDM config
    /// without prediction_type (readers must default to "epsilon"); SD 2.x-v ships DDIM with "v_prediction".
    /// <paramref name="extra"/> adds or replaces keys (SDXL's Euler config has timestep_spacing "leading", LCM's
    /// original_inference_steps 50, …).
    /// </summary>
    public static void WriteScheduler(string dir, string schedulerClass, string? predictionType,
        IReadOnlyDictionary<string, object?>? extra = null)
    {
        var config = new Dictionary<string, object?>
        {
            ["_class_name"] = schedulerClass,
            ["_diffusers_version"] = "0.30.0",
            ["beta_end"] = 0.012,
            ["beta_schedule"] = "scaled_linear",
            ["beta_start"] = 0.00085,
            ["clip_sample"] = false,
            ["num_train_timesteps"] = 1000,
            ["set_alpha_to_one"] = false,
            ["skip_prk_steps"] = true,
            ["steps_offset"] = 1,
            ["trained_betas"] = null,
        };
        if (predictionType is not null) config["prediction_type"] = predictionType;
        Merge(config, extra);
        WriteJson(Path.Combine(dir, "scheduler", "scheduler_config.json"), config);
    }

    /// <summary>Copies <paramref name="extra"/> over <paramref name="target"/>, then sorts keys as diffusers writes them.</summary>
    static void Merge(Dictionary<string, object?> target, IReadOnlyDictionary<string, object?>? extra)
    {
        if (extra is null) return;
        foreach (var (key, value) in extra) target[key] = value;
        var sorted = target.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        target.Clear();
        foreach (var (key, value) in sorted) target[key] = value;
    }
}
