using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace WebUI.Diffusion.Models;

/// <summary>One 77-token text-encoder input: BOS, content, EOS, padding; a weight (emphasis) per token.</summary>
internal sealed record TokenChunk(int[] Ids, float[] Weights);

/// <summary>A prompt's conditioning: float32 [Tokens × Width] (Tokens = 77·chunks).</summary>
internal sealed record TextEmbedding(float[] Data, int Tokens, int Width);

/// <summary>
/// Turns prompt text into UNet conditioning. A prompt becomes a list of 77-token chunks, each chunk is encoded on
/// its own and the results are concatenated along the token axis (A1111's sd_hijack_clip). For now a prompt is one
/// chunk: BOS + its first 75 tokens + EOS + padding; the prompt language (long prompts, emphasis, BREAK) plugs in
/// by producing more chunks and weights. Encodings are cached per distinct text for the loaded model.
/// </summary>
internal sealed class PromptEncoder(TextEncoderModel encoder, ITextTokenizer tokenizer)
{
    public const int ContentTokens = TextEncoderModel.ChunkLength - 2;
    const int CacheLimit = 64;

    readonly Dictionary<string, TextEmbedding> _cache = new(StringComparer.Ordinal);

    public ITextTokenizer Tokenizer => tokenizer;

    /// <summary>The chunks for a prompt (one chunk, content truncated to 75 tokens).</summary>
    public IReadOnlyList<TokenChunk> Chunk(string prompt)
    {
        var ids = tokenizer.Encode(prompt);
        return [MakeChunk(ids.AsSpan(0, Math.Min(ids.Length, ContentTokens)), null)];
    }

    /// <summary>BOS + content + EOS, then the pad id up to 77 tokens; every weight defaults to 1.</summary>
    public TokenChunk MakeChunk(ReadOnlySpan<int> content, ReadOnlySpan<float> weights)
    {
        if (content.Length > ContentTokens) throw new ArgumentException($"A chunk holds at most {ContentTokens} content tokens.", nameof(content));
        var ids = new int[TextEncoderModel.ChunkLength];
        var w = new float[TextEncoderModel.ChunkLength];
        Array.Fill(w, 1f);
        ids[0] = tokenizer.BosId;
        content.CopyTo(ids.AsSpan(1));
        if (!weights.IsEmpty) weights[..content.Length].CopyTo(w.AsSpan(1));
        ids[content.Length + 1] = tokenizer.EosId;
        for (int i = content.Length + 2; i < ids.Length; i++) ids[i] = tokenizer.PadId;
        return new TokenChunk(ids, w);
    }

    /// <summary>Encodes a prompt (cached). <paramref name="seconds"/> accumulates text-encoder time.</summary>
    public TextEmbedding Encode(string prompt, RunOptions runOptions, ref double seconds)
    {
        if (_cache.TryGetValue(prompt, out var hit)) return hit;
        var embedding = Encode(Chunk(prompt), runOptions, ref seconds);
        if (_cache.Count >= CacheLimit) _cache.Clear();
        _cache[prompt] = embedding;
        return embedding;
    }

    /// <summary>Encodes chunks one by one and concatenates them along the token axis.</summary>
    public TextEmbedding Encode(IReadOnlyList<TokenChunk> chunks, RunOptions runOptions, ref double seconds)
    {
        if (chunks.Count == 0) throw new ArgumentException("At least one chunk is needed.", nameof(chunks));
        var parts = new List<float[]>(chunks.Count);
        long start = Stopwatch.GetTimestamp();
        foreach (var chunk in chunks)
        {
            var z = encoder.Encode(chunk.Ids, runOptions);
            ApplyEmphasis(z, chunk.Weights);
            parts.Add(z);
        }
        seconds += Stopwatch.GetElapsedTime(start).TotalSeconds;
        int width = encoder.Width!.Value, per = TextEncoderModel.ChunkLength * width;
        var data = new float[per * parts.Count];
        for (int i = 0; i < parts.Count; i++) parts[i].CopyTo(data, i * per);
        return new TextEmbedding(data, TextEncoderModel.ChunkLength * parts.Count, width);
    }

    /// <summary>
    /// A1111's "Original" emphasis: scale each token's vector by its weight, then rescale the chunk so its overall
    /// mean is what it was before. All-ones weights leave the encoding untouched.
    /// </summary>
    internal static void ApplyEmphasis(float[] z, float[] weights)
    {
        if (weights.All(w => w == 1f)) return;
        int width = z.Length / weights.Length;
        double before = 0, after = 0;
        foreach (var v in z) before += v;
        for (int t = 0; t < weights.Length; t++)
        {
            var row = z.AsSpan(t * width, width);
            for (int c = 0; c < width; c++) { row[c] *= weights[t]; after += row[c]; }
        }
        if (after == 0) return;
        float k = (float)(before / after);
        for (int i = 0; i < z.Length; i++) z[i] *= k;
    }
}
