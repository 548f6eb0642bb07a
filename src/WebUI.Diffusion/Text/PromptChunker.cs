namespace WebUI.Diffusion.Text;

/// <summary>
/// One text-encoder input of <see cref="ClipTokenizer.ModelMaxLength"/> (77) tokens: BOS, up to 75 content
/// tokens, EOS, and the tokenizer's pad id after the first EOS. <see cref="Weights"/> holds the emphasis
/// multiplier of each position (1.0 for BOS/EOS/padding).
/// </summary>
public sealed record TextChunk(int[] Ids, float[] Weights);

/// <summary>
/// A1111's <c>tokenize_line</c> (<c>modules/sd_hijack_clip.py</c>): parses emphasis, tokenizes each fragment,
/// and cuts the tokens into 75-token chunks. A chunk that fills up within <c>commaPaddingBacktrack</c> tokens
/// of its last comma is cut after that comma instead (the rest moves to the next chunk); BREAK closes the
/// current chunk. An empty prompt is one chunk of BOS + EOS + padding. Textual-inversion embeddings are not
/// handled here (their names are tokenized as ordinary text).
/// </summary>
public sealed class PromptChunker
{
    readonly int _commaId;

    /// <param name="tokenizer">The model's tokenizer (BOS/EOS/pad ids and the 77-token length come from it).</param>
    /// <param name="emphasis">"None" disables the attention parser (brackets and BREAK stay literal text).</param>
    /// <param name="commaPaddingBacktrack">A1111's comma_padding_backtrack setting (default 20, 0 disables).</param>
    public PromptChunker(ClipTokenizer tokenizer, EmphasisMode emphasis = EmphasisMode.Original, int commaPaddingBacktrack = 20)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (commaPaddingBacktrack < 0 || commaPaddingBacktrack > 74)
            throw new ArgumentOutOfRangeException(nameof(commaPaddingBacktrack), commaPaddingBacktrack, "Comma padding backtrack must be between 0 and 74.");
        Tokenizer = tokenizer;
        Emphasis = emphasis;
        CommaPaddingBacktrack = commaPaddingBacktrack;
        _commaId = tokenizer.TryGetId(",</w>", out int comma) ? comma : -1;
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
            foreach (int token in Tokenizer.Encode(text))
                builder.Add(token, (float)weight);
        }
        if (builder.HasContent || builder.Chunks.Count == 0) builder.Close(isLast: true);
        tokenCount = builder.TokenCount;
        return builder.Chunks;
    }

    /// <summary>The chunk of an empty text: BOS, EOS, then padding; all weights 1.</summary>
    public TextChunk EmptyChunk() => Finish([], []);

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
    TextChunk Finish(List<int> tokens, List<float> weights)
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
        return new TextChunk(ids, w);
    }

    sealed class Builder(PromptChunker owner)
    {
        List<int> _tokens = new(75);
        List<float> _weights = new(75);
        int _lastComma = -1;

        public List<TextChunk> Chunks { get; } = [];
        public int TokenCount { get; private set; }
        public bool HasContent => _tokens.Count > 0;

        public void Add(int token, float weight)
        {
            int chunkLength = owner.ChunkLength;
            if (token == owner._commaId)
            {
                _lastComma = _tokens.Count;
            }
            else if (owner.CommaPaddingBacktrack != 0 && _tokens.Count == chunkLength && _lastComma != -1
                     && _tokens.Count - _lastComma <= owner.CommaPaddingBacktrack)
            {
                // Cut after the last comma and carry the words after it into the next chunk.
                int breakAt = _lastComma + 1;
                var movedTokens = _tokens.GetRange(breakAt, _tokens.Count - breakAt);
                var movedWeights = _weights.GetRange(breakAt, _weights.Count - breakAt);
                _tokens.RemoveRange(breakAt, _tokens.Count - breakAt);
                _weights.RemoveRange(breakAt, _weights.Count - breakAt);
                Close(isLast: false);
                _tokens = movedTokens;
                _weights = movedWeights;
            }
            if (_tokens.Count == chunkLength) Close(isLast: false);
            _tokens.Add(token);
            _weights.Add(weight);
        }

        public void Close(bool isLast)
        {
            TokenCount += isLast ? _tokens.Count : owner.ChunkLength;
            Chunks.Add(owner.Finish(_tokens, _weights));
            _tokens = new List<int>(75);
            _weights = new List<float>(75);
            _lastComma = -1;
        }
    }
}
