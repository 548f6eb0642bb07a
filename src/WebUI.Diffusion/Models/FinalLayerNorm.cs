using System.Text.Json;

namespace WebUI.Diffusion.Models;

/// <summary>
/// CLIP's <c>text_model.final_layer_norm</c>, applied in C# to an earlier layer's hidden states for clip skip
/// (A1111: <c>z = final_layer_norm(hidden_states[-N])</c>). Exports do not expose the norm as a separate output,
/// so its weight and bias are read from the text encoder's initializers; the epsilon comes from
/// text_encoder/config.json (layer_norm_eps, transformers' default 1e-5).
/// </summary>
internal sealed class FinalLayerNorm
{
    public const string WeightName = "text_model.final_layer_norm.weight", BiasName = "text_model.final_layer_norm.bias";

    readonly float[] _weight, _bias;
    readonly float _eps;

    FinalLayerNorm(float[] weight, float[] bias, float eps)
    {
        _weight = weight;
        _bias = bias;
        _eps = eps;
    }

    public int Width => _weight.Length;

    /// <summary>The norm of <paramref name="part"/>, or null (with the reason) when the export does not carry readable weights.</summary>
    public static FinalLayerNorm? TryLoad(ModelFolder folder, string part, out string? problem)
    {
        problem = null;
        IReadOnlyDictionary<string, OnnxFloatTensor> found;
        try { found = OnnxInitializers.Read(folder.PartFile(part), [WeightName, BiasName]); }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            problem = $"its weights could not be read ({e.Message})";
            return null;
        }
        if (!found.TryGetValue(WeightName, out var w) || !found.TryGetValue(BiasName, out var b))
        {
            problem = $"{part}/model.onnx has no initializers named {WeightName} and {BiasName} (an optimised or renamed export)";
            return null;
        }
        if (w.Dims.Length != 1 || b.Dims.Length != 1 || w.Values.Length != b.Values.Length)
        {
            problem = $"{WeightName} has shape [{string.Join(",", w.Dims)}]; expected a vector";
            return null;
        }
        return new FinalLayerNorm(w.Values, b.Values, (float)(ReadEps(folder, part) ?? 1e-5));
    }

    static double? ReadEps(ModelFolder folder, string part)
    {
        string path = Path.Combine(folder.PartDirectory(part), "config.json");
        if (!File.Exists(path)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("layer_norm_eps", out var e)
                && e.ValueKind == JsonValueKind.Number ? e.GetDouble() : null;
        }
        catch (JsonException) { return null; }
    }

    /// <summary>LayerNorm over the last axis of token-major <paramref name="states"/> [tokens × width], in place.</summary>
    public void Apply(Span<float> states)
    {
        int width = _weight.Length;
        if (states.Length % width != 0)
            throw new ArgumentException($"Hidden states of {states.Length} values are not whole {width}-wide vectors.", nameof(states));
        for (int offset = 0; offset < states.Length; offset += width)
        {
            var v = states.Slice(offset, width);
            double mean = 0;
            foreach (float x in v) mean += x;
            mean /= width;
            double variance = 0;
            foreach (float x in v) variance += (x - mean) * (x - mean);
            variance /= width; // biased, as torch's layer_norm
            float inv = (float)(1 / Math.Sqrt(variance + _eps)), m = (float)mean;
            for (int c = 0; c < width; c++) v[c] = (v[c] - m) * inv * _weight[c] + _bias[c];
        }
    }
}
