using System.Text.Json;

namespace WebUI.Diffusion.Text;

/// <summary>
/// BOS/EOS/pad ids and the model length of a tokenizer folder. Defaults are CLIP's; tokenizer_config.json is read
/// first and special_tokens_map.json overrides it (the order transformers applies). A token may be written as a
/// string or as an object with "content".
/// </summary>
internal readonly record struct SpecialTokens(int Bos, int Eos, int Pad, int MaxLength)
{
    const int DefaultMaxLength = 77;

    public static SpecialTokens Read(Dictionary<string, int> vocab, string? specialTokensMapPath, string? tokenizerConfigPath)
    {
        string bos = ClipPreTokenizer.StartOfText, eos = ClipPreTokenizer.EndOfText;
        string? pad = null;
        string bosSource = "CLIP's default", eosSource = "CLIP's default", padSource = "CLIP's default";
        int maxLength = DefaultMaxLength;

        foreach (var path in new[] { tokenizerConfigPath, specialTokensMapPath })
        {
            if (path is null) continue;
            using var doc = Parse(path);
            var root = doc.RootElement;
            if (TokenContent(root, "bos_token", path) is { } b) { bos = b; bosSource = path; }
            if (TokenContent(root, "eos_token", path) is { } e) { eos = e; eosSource = path; }
            if (TokenContent(root, "pad_token", path) is { } p) { pad = p; padSource = path; }
            if (root.TryGetProperty("model_max_length", out var len) && len.ValueKind == JsonValueKind.Number)
            {
                // transformers writes 1e30 ("unlimited") when a folder sets no length; CLIP encoders still take 77.
                double v = len.GetDouble();
                if (v >= 1 && v <= 1_000_000) maxLength = (int)v;
            }
        }

        int Id(string token, string role, string source) => vocab.TryGetValue(token, out int id)
            ? id
            : throw new InvalidDataException($"The {role} token '{token}' (from {source}) is not in vocab.json.");

        int bosId = Id(bos, "BOS", bosSource);
        int eosId = Id(eos, "EOS", eosSource);
        int padId = pad is null ? eosId : Id(pad, "pad", padSource);
        if (maxLength < 3) throw new InvalidDataException($"model_max_length {maxLength} leaves no room for BOS, EOS and text.");
        return new SpecialTokens(bosId, eosId, padId, maxLength);
    }

    static JsonDocument Parse(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Tokenizer file not found: {path}", path);
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message}).", e);
        }
    }

    static string? TokenContent(JsonElement root, string key, string path)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(key, out var value)) return null;
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object when value.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String => c.GetString(),
            JsonValueKind.Null => null,
            _ => throw new InvalidDataException($"{path}: '{key}' must be a string or an object with \"content\"."),
        };
    }
}
