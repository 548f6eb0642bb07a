using System.Security.Cryptography;
using System.Text.Json;

namespace WebUI.Diffusion.Models;

/// <summary>
/// A Stable Diffusion model folder in the diffusers-script or Optimum ONNX layout, read without opening any
/// session: which parts exist, and what the small JSON configs say (diffusion-reference §6a/§6b).
/// model_index.json is optional; unet/ and vae_decoder/ are required, and text_encoder/ + tokenizer/ (SD, SDXL) and/or
/// text_encoder_2/ + tokenizer_2/ (SDXL; the SDXL refiner has only these); vae_encoder/ is needed only for img2img. External weight files (weights.pb, model.onnx_data) are found by ONNX Runtime
/// itself because sessions are opened from the model file's path.
/// </summary>
public sealed class ModelFolder
{
    public const string TextEncoder = "text_encoder", Unet = "unet", VaeDecoder = "vae_decoder", VaeEncoder = "vae_encoder",
        Tokenizer = "tokenizer", SchedulerPart = "scheduler", TextEncoder2 = "text_encoder_2", Tokenizer2 = "tokenizer_2";

    /// <summary>The VAE latent scale of SD 1.x/2.x, used when no VAE config says otherwise.</summary>
    public const double DefaultVaeScalingFactor = 0.18215;
    public const double SdxlVaeScalingFactor = 0.13025;

    ModelFolder(string path) => Path = path;

    public string Path { get; }
    public SchedulerConfig Scheduler { get; private set; } = SchedulerConfig.Default;
    public double VaeScalingFactor { get; private set; } = DefaultVaeScalingFactor;
    /// <summary>unet/config.json in_channels, when the folder has that config.</summary>
    public int? UnetInChannels { get; private set; }
    /// <summary>unet/config.json cross_attention_dim (or text_encoder/config.json hidden_size), when known.</summary>
    public int? TextEmbeddingWidth { get; private set; }
    /// <summary>"sd1", "sd2", "sd2-v", "sdxl", ... as far as the configs tell; refined from session metadata at load.</summary>
    public string Family { get; private set; } = "sd1";
    public bool HasVaeEncoder => File.Exists(PartFile(VaeEncoder));
    /// <summary>text_encoder/ (CLIP-L) is present; absent only in the SDXL refiner.</summary>
    public bool HasTextEncoder => File.Exists(PartFile(TextEncoder));
    /// <summary>text_encoder_2/ (SDXL's OpenCLIP-G) is present.</summary>
    public bool HasTextEncoder2 => File.Exists(PartFile(TextEncoder2));
    /// <summary>model_index.json force_zeros_for_empty_prompt (diffusers' SDXL default true): an empty negative prompt
    /// conditions with zeros instead of the encoding of "".</summary>
    public bool ForceZerosForEmptyPrompt { get; private set; } = true;
    /// <summary>unet/config.json time_cond_proj_dim: the LCM guidance-embedding width (null for other UNets).</summary>
    public int? UnetTimeCondProjDim { get; private set; }
    /// <summary>Optional linear latent→RGB preview map from vae_decoder/config.json ("latent_rgb_factors", 4×3) and its bias.</summary>
    public float[,]? LatentRgbFactors { get; private set; }
    public float[]? LatentRgbBias { get; private set; }
    /// <summary>The VAE config's sample_size (the natural tile size of tiled decoding), when given.</summary>
    public int? VaeSampleSize { get; private set; }

    public string PartDirectory(string part) => System.IO.Path.Combine(Path, part);
    public string PartFile(string part) => System.IO.Path.Combine(Path, part, "model.onnx");

    /// <summary>True when the folder looks like a checkpoint (model_index.json or a unet/ folder).</summary>
    public static bool LooksLikeModel(string dir) =>
        File.Exists(System.IO.Path.Combine(dir, "model_index.json")) || Directory.Exists(System.IO.Path.Combine(dir, Unet));

    /// <summary>Checks the layout and reads the configs. Throws <see cref="ModelFolderException"/> naming what is missing or broken.</summary>
    public static ModelFolder Open(string dir)
    {
        if (!Directory.Exists(dir)) throw new ModelNotFoundException(dir, "folder does not exist");
        var f = new ModelFolder(System.IO.Path.GetFullPath(dir));
        foreach (var part in new[] { Unet, VaeDecoder })
            if (!File.Exists(f.PartFile(part))) throw new ModelFolderException($"{part}/model.onnx", "missing");
        if (!f.HasTextEncoder && !f.HasTextEncoder2) throw new ModelFolderException($"{TextEncoder}/model.onnx", "missing");
        foreach (var (encoder, tokenizer) in new[] { (TextEncoder, Tokenizer), (TextEncoder2, Tokenizer2) })
        {
            if (!File.Exists(f.PartFile(encoder))) continue;
            foreach (var file in new[] { "vocab.json", "merges.txt" })
                if (!File.Exists(System.IO.Path.Combine(f.PartDirectory(tokenizer), file))) throw new ModelFolderException($"{tokenizer}/{file}", "missing");
        }

        var index = ReadJson(f.Path, "model_index.json");
        if (index is { } ix && ix.TryGetProperty("force_zeros_for_empty_prompt", out var fz) && fz.ValueKind is JsonValueKind.True or JsonValueKind.False)
            f.ForceZerosForEmptyPrompt = fz.GetBoolean();
        f.Scheduler = SchedulerConfig.Load(System.IO.Path.Combine(f.PartDirectory(SchedulerPart), "scheduler_config.json"), $"{SchedulerPart}/scheduler_config.json");

        bool sdxl = Directory.Exists(f.PartDirectory(TextEncoder2)) || Directory.Exists(f.PartDirectory(Tokenizer2));
        var unetConfig = ReadJson(f.Path, $"{Unet}/config.json");
        f.UnetInChannels = Int(unetConfig, "in_channels");
        f.UnetTimeCondProjDim = Int(unetConfig, "time_cond_proj_dim");
        f.TextEmbeddingWidth = Int(unetConfig, "cross_attention_dim") ?? Int(ReadJson(f.Path, $"{TextEncoder}/config.json"), "hidden_size");

        var vae = ReadJson(f.Path, $"{VaeDecoder}/config.json") ?? ReadJson(f.Path, $"{VaeEncoder}/config.json");
        double? scale = Number(vae, "scaling_factor");
        if (scale is { } s && !(s > 0 && double.IsFinite(s)))
            throw new ModelFolderException($"{VaeDecoder}/config.json", $"scaling_factor {s} must be a positive number");
        f.VaeScalingFactor = scale ?? (sdxl ? SdxlVaeScalingFactor : DefaultVaeScalingFactor);
        f.VaeSampleSize = Int(vae, "sample_size");
        f.ReadPreviewFactors(ReadJson(f.Path, $"{VaeDecoder}/config.json"));

        f.Family = GuessFamily(f, sdxl);
        return f;
    }

    static string GuessFamily(ModelFolder f, bool sdxl)
    {
        string baseFamily;
        if (sdxl && !f.HasTextEncoder) baseFamily = "sdxl-refiner";
        else if (sdxl || f.TextEmbeddingWidth == 2048) baseFamily = "sdxl";
        else if (f.TextEmbeddingWidth == 1024) baseFamily = "sd2";
        else if (f.TextEmbeddingWidth == 768) baseFamily = "sd1";
        else baseFamily = TokenizerPadsWithBang(f) ? "sd2" : "sd1";
        return FamilyName(baseFamily, f.Scheduler.PredictionType);
    }

    /// <summary>"sd2" + v-prediction → "sd2-v" (and so on for other families).</summary>
    public static string FamilyName(string baseFamily, PredictionType prediction) =>
        prediction == PredictionType.VPrediction ? baseFamily + "-v" : baseFamily;

    /// <summary>Updates the family from the text embedding width the sessions actually report.</summary>
    internal void RefineFamily(int textEmbeddingWidth)
    {
        TextEmbeddingWidth = textEmbeddingWidth;
        if (Family.StartsWith("sdxl", StringComparison.Ordinal)) return;
        string b = textEmbeddingWidth switch { 1024 => "sd2", 768 => "sd1", _ => Family.Replace("-v", "") };
        Family = FamilyName(b, Scheduler.PredictionType);
    }

    // SD 2.x's OpenCLIP tokenizer pads with "!" (id 0), SD 1.x's with <|endoftext|>.
    static bool TokenizerPadsWithBang(ModelFolder f)
    {
        try
        {
            var map = ReadJson(f.Path, $"{Tokenizer}/special_tokens_map.json");
            if (map is not { } m || !m.TryGetProperty("pad_token", out var pad)) return false;
            string? text = pad.ValueKind == JsonValueKind.String ? pad.GetString()
                : pad.ValueKind == JsonValueKind.Object && pad.TryGetProperty("content", out var c) ? c.GetString() : null;
            return text == "!";
        }
        catch (ModelFolderException) { return false; }
    }

    void ReadPreviewFactors(JsonElement? vae)
    {
        if (vae is not { } v || !v.TryGetProperty("latent_rgb_factors", out var rows) || rows.ValueKind != JsonValueKind.Array) return;
        var list = rows.EnumerateArray().Select(r => r.EnumerateArray().Select(e => e.GetSingle()).ToArray()).ToArray();
        if (list.Length == 0 || list.Any(r => r.Length != 3)) return;
        var m = new float[list.Length, 3];
        for (int i = 0; i < list.Length; i++) for (int c = 0; c < 3; c++) m[i, c] = list[i][c];
        LatentRgbFactors = m;
        if (v.TryGetProperty("latent_rgb_bias", out var b) && b.ValueKind == JsonValueKind.Array && b.GetArrayLength() == 3)
            LatentRgbBias = b.EnumerateArray().Select(e => e.GetSingle()).ToArray();
    }

    static JsonElement? ReadJson(string root, string relative)
    {
        string path = System.IO.Path.Combine(root, relative);
        if (!File.Exists(path)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new ModelFolderException(relative, "expected a JSON object");
            return doc.RootElement.Clone();
        }
        catch (JsonException e) { throw new ModelFolderException(relative, $"not valid JSON ({e.Message})", e); }
    }

    static double? Number(JsonElement? o, string name) =>
        o is { } e && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    static int? Int(JsonElement? o, string name) =>
        o is { } e && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : null;

    /// <summary>
    /// A short content hash for the infotext's "Model hash" (10 hex digits). Hashing a multi-gigabyte UNet whole,
    /// as A1111 does for a .safetensors file, would cost seconds per model, so this digests the UNet files' sizes
    /// plus their first and last MiB: stable for a given export, different between exports.
    /// </summary>
    public string ComputeHash()
        => PartHash.Of(PartDirectory(Unet));
}
