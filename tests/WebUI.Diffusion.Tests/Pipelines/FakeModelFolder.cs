using System.Text.Json;
using Onnx;
using WebUI.Diffusion.Models;
using WebUI.ModelForge.Architectures;
using WebUI.ModelForge.Onnx;

namespace WebUI.Diffusion.Tests.Pipelines;

public enum FakeVaeEncoder { None, Parameters, Sample }

/// <summary>A complete fake model folder: fake text encoder, fake UNet, linear fake VAE, tokenizer files, configs.</summary>
public sealed record FakeModelSpec
{
    public FakeUnetSpec Unet { get; init; } = new();
    public ElementType TextIds { get; init; } = ElementType.Int32;
    /// <summary>"weights.pb" (diffusers), "model.onnx_data" (Optimum) or null (inline).</summary>
    public string? ExternalData { get; init; } = "weights.pb";
    public FakeVaeEncoder VaeEncoder { get; init; } = FakeVaeEncoder.Parameters;
    public double? ScalingFactor { get; init; }
    public bool ModelIndex { get; init; } = true;
    public bool HiddenStates { get; init; }
    /// <summary>Copy the real CLIP vocab.json/merges.txt (from ../shared) instead of the tiny vocabulary.</summary>
    public bool ClipTokenizerFiles { get; init; }
    /// <summary>Write unreadable placeholder tokenizer files.</summary>
    public bool BrokenTokenizer { get; init; }
}

public static class FakeModelFolder
{
    /// <summary>Fake decoder: RGB = 0.5 · latent channels 0..2, each latent pixel repeated 8×8.</summary>
    public const float DecoderGain = 0.5f;

    public static string Build(string dir, FakeModelSpec spec)
    {
        Directory.CreateDirectory(dir);
        var ft = spec.Unet.Float;
        Save(FakeUnet.Build(spec.Unet), Path.Combine(dir, "unet", "model.onnx"), spec.ExternalData);
        Save(TextEncoder(spec.TextIds, ft, spec.Unet.TextWidth, spec.HiddenStates), Path.Combine(dir, "text_encoder", "model.onnx"), null);
        Save(VaeDecoder(ft), Path.Combine(dir, "vae_decoder", "model.onnx"), null);
        if (spec.VaeEncoder != FakeVaeEncoder.None)
            Save(VaeEncoder(ft, spec.VaeEncoder == FakeVaeEncoder.Parameters), Path.Combine(dir, "vae_encoder", "model.onnx"), null);

        Directory.CreateDirectory(Path.Combine(dir, "tokenizer"));
        if (spec.ClipTokenizerFiles)
        {
            File.Copy(Text.SharedData.VocabPath, Path.Combine(dir, "tokenizer", "vocab.json"));
            File.Copy(Text.SharedData.MergesPath, Path.Combine(dir, "tokenizer", "merges.txt"));
        }
        else if (spec.BrokenTokenizer)
        {
            File.WriteAllText(Path.Combine(dir, "tokenizer", "vocab.json"), "{}");
            File.WriteAllText(Path.Combine(dir, "tokenizer", "merges.txt"), "#version: 0.2\n");
        }
        else TinyClipVocabulary.Default.Write(Path.Combine(dir, "tokenizer"), TinyClipVocabulary.EndOfText);
        Directory.CreateDirectory(Path.Combine(dir, "scheduler"));
        File.WriteAllText(Path.Combine(dir, "scheduler", "scheduler_config.json"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["_class_name"] = "PNDMScheduler",
            ["beta_start"] = 0.00085,
            ["beta_end"] = 0.012,
            ["beta_schedule"] = "scaled_linear",
            ["num_train_timesteps"] = 1000,
            ["prediction_type"] = spec.Unet.Prediction == PredictionType.VPrediction ? "v_prediction" : "epsilon",
        }));
        if (spec.ScalingFactor is { } sf)
            File.WriteAllText(Path.Combine(dir, "vae_decoder", "config.json"), JsonSerializer.Serialize(new { scaling_factor = sf }));
        if (spec.ModelIndex)
            File.WriteAllText(Path.Combine(dir, "model_index.json"), """{"_class_name": "OnnxStableDiffusionPipeline"}""");
        return dir;
    }

    static void Save(ModelProto model, string path, string? external)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        ModelWriter.Save(model, path, external, threshold: 1024);
    }

    /// <summary>last_hidden_state[b, t, c] = ids[b, t]·1e-3·(1 + c/width): different prompts give different means.</summary>
    public static ModelProto TextEncoder(ElementType ids, ElementType ft, int width, bool hiddenStates)
    {
        var g = new GraphBuilder("fake_text_encoder");
        g.Input("input_ids", ids, "batch", "sequence");
        string f = g.Op("Mul", g.Op("Cast", ["input_ids"], ("to", (int)ElementType.Float)), g.Scalar(1e-3f));
        string u = g.Op("Unsqueeze", f, g.Ints(2));
        string z = g.Op("Mul", u, g.Initializer("channel_gain", Enumerable.Range(0, width).Select(c => 1 + (float)c / width).ToArray(), [width]));
        if (ft != ElementType.Float) z = g.Op("Cast", [z], ("to", (int)ft));
        g.OutputAs(z, "last_hidden_state", ft, "batch", "sequence", width);
        g.OutputAs(g.Op("ReduceMean", [z], ("axes", new long[] { 1 }), ("keepdims", 0)), "pooler_output", ft, "batch", width);
        if (hiddenStates)
            for (int i = 0; i < 3; i++) g.OutputAs(z, $"hidden_states.{i}", ft, "batch", "sequence", width);
        return g.Build();
    }

    /// <summary>Expected text embedding mean for ids (per token id·1e-3 times the mean channel gain).</summary>
    public static double EmbeddingMean(IEnumerable<int> ids, int width)
    {
        double gain = Enumerable.Range(0, width).Average(c => 1 + (double)c / width);
        return ids.Average(id => id * 1e-3) * gain;
    }

    public static ModelProto VaeDecoder(ElementType ft)
    {
        var g = new GraphBuilder("fake_vae_decoder");
        g.Input("latent_sample", ft, "batch", 4, "latent_height", "latent_width");
        string x = ft == ElementType.Float ? "latent_sample" : g.Op("Cast", ["latent_sample"], ("to", (int)ElementType.Float));
        string rgb = g.Op("Slice", x, g.Ints(0), g.Ints(3), g.Ints(1));
        string up = g.Op("Resize", [rgb, "", g.Initializer("scales", [1f, 1f, 8f, 8f], [4])], ("mode", "nearest"));
        string o = g.Op("Mul", up, g.Scalar(DecoderGain));
        if (ft != ElementType.Float) o = g.Op("Cast", [o], ("to", (int)ft));
        g.OutputAs(o, "sample", ft, "batch", 3, "height", "width");
        return g.Build();
    }

    /// <summary>latent = [8×8 average of R, G, B, mean of those] (+ 4 logvar channels of −3 for latent_parameters).</summary>
    public static ModelProto VaeEncoder(ElementType ft, bool parameters)
    {
        var g = new GraphBuilder("fake_vae_encoder");
        g.Input("sample", ft, "batch", 3, "height", "width");
        string x = ft == ElementType.Float ? "sample" : g.Op("Cast", ["sample"], ("to", (int)ElementType.Float));
        string p = g.Op("AveragePool", [x], ("kernel_shape", new long[] { 8, 8 }), ("strides", new long[] { 8, 8 }));
        string m = g.Op("ReduceMean", [p], ("axes", new long[] { 1 }), ("keepdims", 1));
        string lat = g.Op("Concat", [p, m], ("axis", 1));
        string name = "latent_sample";
        int channels = 4;
        if (parameters)
        {
            string logvar = g.Op("Add", g.Op("Mul", lat, g.Scalar(0f)), g.Scalar(-3f));
            lat = g.Op("Concat", [lat, logvar], ("axis", 1));
            name = "latent_parameters";
            channels = 8;
        }
        if (ft != ElementType.Float) lat = g.Op("Cast", [lat], ("to", (int)ft));
        g.OutputAs(lat, name, ft, "batch", channels, "latent_height", "latent_width");
        return g.Build();
    }

    /// <summary>What the fake encoder makes of an RGB CHW image (unscaled latent, 4 channels).</summary>
    public static float[] EncodeExpected(float[] rgb, int height, int width)
    {
        int h = height / 8, w = width / 8;
        var lat = new float[4 * h * w];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double mean = 0;
                for (int c = 0; c < 3; c++)
                {
                    double s = 0;
                    for (int dy = 0; dy < 8; dy++) for (int dx = 0; dx < 8; dx++) s += rgb[(c * height + y * 8 + dy) * width + x * 8 + dx];
                    lat[(c * h + y) * w + x] = (float)(s / 64);
                    mean += s / 64;
                }
                lat[(3 * h + y) * w + x] = (float)(mean / 3);
            }
        return lat;
    }
}
