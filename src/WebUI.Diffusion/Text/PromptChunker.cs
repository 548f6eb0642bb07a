namespace WebUI.Diffusion.Text;

/// <summary>
/// One text-encoder input of <see cref="ClipTokenizer.ModelMaxLength"/> (77) tokens: BOS, up to 75 content
/// tokens, EOS, and the tokenizer's pad id after the first EOS. <see cref="Weights"/> holds the emphasis
/// multiplier of each position (1.0 for BOS/EOS/padding). <see cref="Fixes"/> lists the textual-inversion
/// embeddings placed in the chunk (A1111's <c>PromptChunk.fixes</c>); their positions hold placeholder id 0
/// until the caller substitutes the ids its text encoder maps to the embedding's vectors.
/// </summary>
public sealed record TextChunk(int[] Ids, float[] Weights)
{
    public IReadOnlyList<EmbeddingFix> Fixes { get; init; } = [];
}

/// <summary>A textual-inversion embedding occupying <paramref name="Vectors"/> positions of a chunk from index
/// <paramref name="Offset"/> of <see cref="TextChunk.Ids"/> (1 = right after BOS).</summary>
public readonly record struct EmbeddingFix(int Offset, string Name, int Vectors);

/// <summary>A textual-inversion embedding the chunker recognises: the token ids of its name (as the tokenizer
/// encodes the name on its own) and the number of vectors it inserts.</summary>
public sealed record EmbeddingTrigger(string Name, int[] NameIds, int Vectors);

/// <summary>
/// A1111's <c>tokenize_line</c> (<c>modules/sd_hijack_clip.py</c>): parses emphasis, tokenizes each fragment,
/// and cuts the tokens into 75-token chunks. A chunk that fills up within <c>commaPaddingBacktrack</c> tokens
/// of its last comma is cut after that comma instead (the rest moves to the next chunk); BREAK closes the
/// current chunk. An empty prompt is one chunk of BOS + EOS + padding. With embedding triggers, a fragment's
/// token run that spells an embedding's name (longest name first, A1111's <c>find_embedding_at_position</c>)
/// becomes that many placeholder positions, moved whole to the next chunk when they do not fit.
/// </summary>
public sealed class PromptChunker
{
    readonly int _commaId;
    readonly Dictionary<int, EmbeddingTrigger[]> _triggers = [];

    /// <param name="tokenizer">The model's tokenizer (BOS/EOS/pad ids and the 77-token length come from it).</param>
    /// <param name="emphasis">"None" disables the attention parser (brackets and BREAK stay literal text).</param>
    /// <param name="commaPaddingBacktrack">A1111's comma_padding_backtrack setting (default 20, 0 disables).</param>
    /// <param name="embeddings">Textual-inversion embeddings to recognise (names with no tokens or more than 75
    /// vectors are ignored).</param>
    public PromptChunker(ClipTokenizer tokenizer, EmphasisMode emphasis = EmphasisMode.Original, int commaPaddingBacktrack = 20,
        IEnumerable<EmbeddingTrigger>? embeddings = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (commaPaddingBacktrack < 0 || commaPaddingBacktrack > 74)
            throw new ArgumentOutOfRangeException(nameof(commaPaddingBacktrack), commaPaddingBacktrack, "Comma padding backtrack must be between 0 and 74.");
        Tokenizer = tokenizer;
        Emphasis = emphasis;
        CommaPaddingBacktrack = commaPaddingBacktrack;
        _commaId = tokenizer.TryGetId(",</w>", out int comma) ? comma : -1;
        foreach (var group in (embeddings ?? []).Where(e => e.NameIds.Length > 0 && e.Vectors is > 0 and <= 75).GroupBy(e => e.NameIds[0]))
            _triggers[group.Key] = group.OrderByDescending(e => e.NameIds.Length).ToArray();
    }

    EmbeddingTrigger? EmbeddingAt(int[] tokens, int position)
    {
        if (!_triggers.TryGetValue(tokens[position], out var candidates)) return null;
        foreach (var c in candidates)
            if (position + c.NameIds.Length <= tokens.Length && tokens.AsSpan(position, c.NameIds.Length).SequenceEqual(c.NameIds))
                return c;
        return null;
    }

    public ClipTokenizer Tokenizer { get; }
    public EmphasisMode Emphasis { get; }
    public int CommaPaddingBacktrack { get; }

    /// <summary>Content tokens per chunk (75 for CLIP's 77).</summary>
    public int ChunkLength => Tokenizer.ModelMaxLength - 2;

    /// <summary>The chunks of one prompt text (one AND part, one scheduled text).</summary>
    public IReadOnlyList<TextChunk> Chunk(string prompt) => Chunk(prompt, out _);

    /// <summary>The chunks of one prompt text, and A1111's token count: 75 per chunk before the last, plus the
    /// last chunk's content tokens (the "N" of the UI's "N/75" counter).</summary>
    public IReadOnlyList<TextChunk> Chunk(string prompt, out int tokenCount)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        IReadOnlyList<(string Text, double Weight)> parsed = Emphasis == EmphasisMode.None
            ? [(prompt, 1.0)]
            : PromptParser.ParseAttention(prompt);

        var builder = new Builder(this);
        foreach (var (text, weight) in parsed)
        {
            if (text == PromptParser.BreakText && weight == -1)
            {
                builder.Close(isLast: false);
                continue;
            }
            var tokens = Tokenizer.Encode(text);
            for (int position = 0; position < tokens.Length;)
            {
                builder.Prepare(tokens[position]);
                if (EmbeddingAt(tokens, position) is { } embedding)
                {
                    builder.AddEmbedding(embedding, (float)weight);
                    position += embedding.NameIds.Length;
                }
                else builder.Append(tokens[position++], (float)weight);
            }
        }
        if (builder.HasContent || builder.Chunks.Count == 0) builder.Close(isLast: true);
        tokenCount = builder.TokenCount;
        return builder.Chunks;
    }

    /// <summary>The chunk of an empty text: BOS, EOS, then padding; all weights 1.</summary>
    public TextChunk EmptyChunk() => Finish([], [], []);

    /// <summary>
    /// Chunks several texts that are encoded as one batch (A1111 batches the distinct scheduled texts of a
    /// prompt): texts with fewer chunks get <see cref="EmptyChunk"/>s appended so every list has the same length.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<TextChunk>> ChunkBatch(IReadOnlyList<string> prompts)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        var all = prompts.Select(p => Chunk(p)).ToList();
        int count = all.Count == 0 ? 0 : all.Max(c => c.Count);
        return all.Select(c => PadChunks(c, count)).ToList();
    }

    /// <summary>
    /// A1111's "Pad prompt/negative prompt" (opts.pad_cond_uncond, §4.4) at the token level: the shorter list is
    /// extended with empty-prompt chunks until both have the same number of chunks. Without that option A1111
    /// runs cond and uncond through the UNet separately instead and nothing is padded.
    /// </summary>
    public (IReadOnlyList<TextChunk> Positive, IReadOnlyList<TextChunk> Negative) PadToSameChunkCount(
        IReadOnlyList<TextChunk> positive, IReadOnlyList<TextChunk> negative)
    {
        ArgumentNullException.ThrowIfNull(positive);
        ArgumentNullException.ThrowIfNull(negative);
        int count = Math.Max(positive.Count, negative.Count);
        return (PadChunks(positive, count), PadChunks(negative, count));
    }

    IReadOnlyList<TextChunk> PadChunks(IReadOnlyList<TextChunk> chunks, int count)
    {
        if (chunks.Count >= count) return chunks;
        var padded = chunks.ToList();
        while (padded.Count < count) padded.Add(EmptyChunk());
        return padded;
    }

    // BOS + content padded with EOS + EOS, then (when the pad id differs, SD 2.x / SDXL-G) everything after the
    // first EOS becomes the pad id, as A1111's process_tokens does before the encoder runs.
    TextChunk Finish(List<int> tokens, List<float> weights, List<EmbeddingFix> fixes)
    {
        int length = Tokenizer.ModelMaxLength;
        var ids = new int[length];
        var w = new float[length];
        Array.Fill(ids, Tokenizer.EosId);
        Array.Fill(w, 1f);
        ids[0] = Tokenizer.BosId;
        tokens.CopyTo(ids, 1);
        weights.CopyTo(w, 1);
        if (Tokenizer.PadId != Tokenizer.EosId)
        {
            int firstEos = Array.IndexOf(ids, Tokenizer.EosId);
            for (int i = firstEos + 1; i < length; i++) ids[i] = Tokenizer.PadId;
        }
        return new TextChunk(ids, w) { Fixes = fixes.Count == 0 ? [] : fixes.ToArray() };
    }

    sealed class Builder(PromptChunker owner)
    {
        List<int> _tokens = new(75);
        List<float> _weights = new(75);
        List<EmbeddingFix> _fixes = [];
        int _lastComma = -1;

        public List<TextChunk> Chunks { get; } = [];
        public int TokenCount { get; private set; }
        public bool HasContent => _tokens.Count > 0;

        /// <summary>tokenize_line's checks before a token (or an embedding starting with it) is placed: comma
        /// tracking, the comma-padding backtrack, and closing a full chunk.</summary>
        public void Prepare(int token)
        {
            int chunkLength = owner.ChunkLength;
            if (token == owner._commaId)
            {
                _lastComma = _tokens.Count;
            }
            else if (owner.CommaPaddingBacktrack != 0 && _tokens.Count == chunkLength && _lastComma != -1
                     && _tokens.Count - _lastComma <= owner.CommaPaddingBacktrack)
            {
                // Cut after the last comma and carry the words after it into the next chunk. Embeddings among them
                // move along with their placeholders (A1111 leaves their fixes behind, misplacing the vectors).
                int breakAt = _lastComma + 1;
                var movedTokens = _tokens.GetRange(breakAt, _tokens.Count - breakAt);
                var movedWeights = _weights.GetRange(breakAt, _weights.Count - breakAt);
                var movedFixes = _fixes.Where(f => f.Offset - 1 >= breakAt).Select(f => f with { Offset = f.Offset - breakAt }).ToList();
                _fixes.RemoveAll(f => f.Offset - 1 >= breakAt);
                _tokens.RemoveRange(breakAt, _tokens.Count - breakAt);
                _weights.RemoveRange(breakAt, _weights.Count - breakAt);
                Close(isLast: false);
                _tokens = movedTokens;
                _weights = movedWeights;
                _fixes = movedFixes;
            }
            if (_tokens.Count == chunkLength) Close(isLast: false);
        }

        public void Append(int token, float weight)
        {
            _tokens.Add(token);
            _weights.Add(weight);
        }

        /// <summary>Places an embedding's placeholders, in a fresh chunk when they do not fit in this one.</summary>
        public void AddEmbedding(EmbeddingTrigger embedding, float weight)
        {
            if (_tokens.Count + embedding.Vectors > owner.ChunkLength) Close(isLast: false);
            _fixes.Add(new EmbeddingFix(_tokens.Count + 1, embedding.Name, embedding.Vectors));
            for (int i = 0; i < embedding.Vectors; i++) Append(0, weight);
        }

        public void Close(bool isLast)
        {
            TokenCount += isLast ? _tokens.Count : owner.ChunkLength;
            Chunks.Add(owner.Finish(_tokens, _weights, _fixes));
            _tokens = new List<int>(75);
            _weights = new List<float>(75);
            _fixes = [];
            _lastComma = -1;
        }
    }
}
