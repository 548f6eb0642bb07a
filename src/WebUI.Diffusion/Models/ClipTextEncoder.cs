using Microsoft.ML.OnnxRuntime;
using WebUI.Diffusion.Text;

namespace WebUI.Diffusion.Models;

/// <summary>Which hidden state of a text encoder becomes the conditioning: an output, optionally followed by the
/// final LayerNorm (SD 1.x clip skip). <see cref="Last"/> is last_hidden_state (already normed).</summary>
internal readonly record struct EncoderLayer(string Output, bool FinalNorm)
{
    public static EncoderLayer Last { get; } = new(TextEncoderModel.LastHiddenName, false);
}

/// <summary>
/// One CLIP text encoder with its tokenizer (SD's text_encoder, SDXL's text_encoder and text_encoder_2): encodes
/// 77-token chunks with the requested layer, caches raw encodings by token ids, and places textual-inversion
/// vectors. TI works as diffusion-reference §6e option 1: the token-embedding table is read from the model,
/// the embeddings' vectors are written into rows of rarely used tokens that no ordinary token of the current
/// prompts uses, and a session is opened with that table through AddInitializer; the chunks' placeholder
/// positions then get those row ids.
/// </summary>
internal sealed class ClipTextEncoder : IDisposable
{
    /// <summary>Names the token-embedding table has in transformers-based exports.</summary>
    public static readonly string[] TokenEmbeddingNames =
        ["text_model.embeddings.token_embedding.weight", "embeddings.token_embedding.weight", "token_embedding.weight"];

    const int CacheLimit = 512;
    readonly ModelFolder _folder;
    readonly OnnxSessionFactory _sessions;
    readonly Dictionary<(int[] Ids, EncoderLayer Layer), (float[] Hidden, float[]? Pooled)> _cache = new(new CacheKeyComparer());
    TextEncoderModel? _tiSession;
    Dictionary<string, (TextualInversionEmbedding Embedding, int[] Rows)> _tiRows = new(StringComparer.Ordinal);
    TextEncoderModel _active;
    FinalLayerNorm? _norm;
    string? _normProblem;
    bool _normLoaded;

    public ClipTextEncoder(TextEncoderModel model, ClipTokenizer tokenizer, ModelFolder folder, OnnxSessionFactory sessions, string embeddingKey)
    {
        Base = _active = model;
        Tokenizer = tokenizer;
        _folder = folder;
        _sessions = sessions;
        EmbeddingKey = embeddingKey;
    }

    public TextEncoderModel Base { get; }
    public ClipTokenizer Tokenizer { get; }
    public string Part => Base.Part;
    /// <summary>Which vectors of a TI file this encoder takes: "" (SD 1.x/2.x, SDXL refiner), "clip_l" or "clip_g".</summary>
    public string EmbeddingKey { get; }
    public int? Width => Base.Width;

    /// <summary>The hidden_states.N outputs in layer order ("hidden_states.0" is the embedding output).</summary>
    public IReadOnlyList<string> HiddenStates => Base.HiddenStateOutputs;

    /// <summary>The final LayerNorm read from the model's initializers (null with <paramref name="problem"/> if unreadable).</summary>
    public FinalLayerNorm? FinalNorm(out string? problem)
    {
        if (!_normLoaded)
        {
            _norm = FinalLayerNorm.TryLoad(_folder, Part, out _normProblem);
            _normLoaded = true;
        }
        problem = _normProblem;
        return _norm;
    }

    /// <summary>The embeddings this encoder can use (vector width equal to its token width), as chunker triggers.</summary>
    public IReadOnlyList<EmbeddingTrigger> Triggers(IEnumerable<TextualInversionEmbedding> embeddings, int tokenWidth)
    {
        var list = new List<EmbeddingTrigger>();
        foreach (var e in embeddings)
        {
            if (!e.Parts.TryGetValue(EmbeddingKey, out var part) || part.Width != tokenWidth) continue;
            var ids = Tokenizer.Encode(e.Name);
            if (ids.Length > 0) list.Add(new EmbeddingTrigger(e.Name, ids, e.Vectors));
        }
        return list;
    }

    /// <summary>
    /// Makes the chunks' embeddings encodable: picks the session (the plain one, or one whose token table holds the
    /// embeddings' vectors) and writes the row ids into the placeholder positions of <paramref name="chunks"/>.
    /// </summary>
    public void BindEmbeddings(IReadOnlyList<TextChunk> chunks, IReadOnlyDictionary<string, TextualInversionEmbedding> embeddings)
    {
        var used = new Dictionary<string, TextualInversionEmbedding>(StringComparer.Ordinal);
        var ordinary = new HashSet<int>();
        foreach (var chunk in chunks)
        {
            var fixedPositions = new HashSet<int>();
            foreach (var fix in chunk.Fixes)
            {
                used[fix.Name] = embeddings[fix.Name];
                for (int k = 0; k < fix.Vectors; k++) fixedPositions.Add(fix.Offset + k);
            }
            for (int i = 0; i < chunk.Ids.Length; i++)
                if (!fixedPositions.Contains(i)) ordinary.Add(chunk.Ids[i]);
        }

        bool current = _tiSession is not null
            && used.All(u => _tiRows.TryGetValue(u.Key, out var r) && ReferenceEquals(r.Embedding, u.Value))
            && !_tiRows.Values.Any(r => r.Rows.Any(ordinary.Contains));
        if (used.Count == 0 && !current) Activate(Base);
        else if (current) Activate(_tiSession!);
        else
        {
            // Keep still-valid assignments so that alternating prompts do not rebuild the session each time.
            var wanted = new Dictionary<string, TextualInversionEmbedding>(used, StringComparer.Ordinal);
            foreach (var (name, (embedding, _)) in _tiRows)
                if (!wanted.ContainsKey(name) && embeddings.TryGetValue(name, out var now) && ReferenceEquals(now, embedding)) wanted[name] = embedding;
            BuildTiSession(wanted, ordinary);
        }

        foreach (var chunk in chunks)
            foreach (var fix in chunk.Fixes)
                _tiRows[fix.Name].Rows.AsSpan(0, fix.Vectors).CopyTo(chunk.Ids.AsSpan(fix.Offset));
    }

    void Activate(TextEncoderModel session)
    {
        if (ReferenceEquals(_active, session)) return;
        _active = session;
        _cache.Clear(); // the same ids may mean other vectors now
    }

    void BuildTiSession(Dictionary<string, TextualInversionEmbedding> wanted, HashSet<int> ordinary)
    {
        var table = OnnxInitializers.Read(_folder.PartFile(Part), TokenEmbeddingNames).Values.FirstOrDefault()
            ?? throw new ModelFolderException(Part, $"textual inversion needs the token-embedding table as an initializer ({TokenEmbeddingNames[0]}); this export does not expose it");
        if (table.Dims.Length != 2) throw new ModelFolderException(Part, $"'{table.Name}' has shape [{string.Join(",", table.Dims)}]; expected [vocabulary, width]");
        int vocabulary = (int)table.Dims[0], width = (int)table.Dims[1];

        // Rows of the rarest merges (highest ids below the special tokens) that no ordinary token in use occupies.
        var rows = new Dictionary<string, (TextualInversionEmbedding, int[])>(StringComparer.Ordinal);
        int next = Math.Min(vocabulary, Math.Min(Tokenizer.BosId, Tokenizer.EosId)) - 1;
        const int Lowest = 512; // ids below this are CLIP's single-byte symbols
        foreach (var (name, embedding) in wanted.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var (partWidth, data) = embedding.Parts[EmbeddingKey];
            if (partWidth != width) throw new ArgumentException($"Embedding '{name}' has {partWidth}-wide vectors but {Part} uses {width}.");
            var ids = new int[embedding.Vectors];
            for (int k = 0; k < ids.Length; k++)
            {
                while (next >= Lowest && (ordinary.Contains(next) || next == Tokenizer.PadId)) next--;
                if (next < Lowest) throw new ArgumentException($"Too many textual-inversion vectors for {Part}'s vocabulary.");
                ids[k] = next;
                data.AsSpan(k * width, width).CopyTo(table.Values.AsSpan(next * width, width));
                next--;
            }
            rows[name] = (embedding, ids);
        }

        // The handle reopens the session with the same pinned table after a release (sequential memory mode).
        var pinned = new PinnedTable(table); // freed by the model (also when Create fails)
        var model = TextEncoderModel.Create(new SessionHandle(() => _sessions.Open(_folder, Part, [(table.Name, pinned.Value)])), Part, pinned);
        var old = _tiSession;
        _tiSession = model;
        _tiRows = rows;
        Activate(model);
        old?.Dispose();
    }

    /// <summary>Encodes one 77-token chunk with <paramref name="layer"/>; <paramref name="pooled"/> also returns the pooled output.</summary>
    public (float[] Hidden, float[]? Pooled) Encode(int[] ids, EncoderLayer layer, bool pooled, RunOptions runOptions)
    {
        var key = (ids, layer);
        if (_cache.TryGetValue(key, out var hit) && (!pooled || hit.Pooled is not null)) return hit;
        string? pooledName = null;
        if (pooled)
            pooledName = _active.PooledOutput
                ?? throw new ModelFolderException(Part, "has neither text_embeds nor pooler_output (SDXL needs the pooled text embedding)");
        var (hidden, pool) = _active.Encode(ids, runOptions, layer.Output, pooledName);
        if (layer.FinalNorm)
        {
            var norm = FinalNorm(out var problem) ?? throw new InvalidOperationException($"Clip skip needs {Part}'s final LayerNorm: {problem}.");
            norm.Apply(hidden);
        }
        if (_cache.Count >= CacheLimit) _cache.Clear();
        _cache[((int[])ids.Clone(), layer)] = (hidden, pool);
        return (hidden, pool);
    }

    /// <summary>Frees the sessions (sequential memory mode); they reopen on the next encode.</summary>
    public void Release()
    {
        Base.Release();
        _tiSession?.Release();
    }

    public bool IsOpen => Base.IsOpen || _tiSession?.IsOpen == true;

    public void Dispose()
    {
        Base.Dispose();
        _tiSession?.Dispose();
    }

    /// <summary>The token table in the model's element type, pinned for ONNX Runtime (freed with the session).</summary>
    sealed class PinnedTable : IDisposable
    {
        public PinnedTable(OnnxFloatTensor table)
        {
            long[] shape = table.Dims;
            Value = table.Kind switch
            {
                OnnxFloatTensor.ElementKind.Float32 => OrtValue.CreateTensorValueFromMemory(table.Values, shape),
                OnnxFloatTensor.ElementKind.Float16 => OrtValue.CreateTensorValueFromMemory(
                    table.Values.Select(v => (Microsoft.ML.OnnxRuntime.Float16)v).ToArray(), shape),
                _ => OrtValue.CreateTensorValueFromMemory(table.Values.Select(v => (BFloat16)v).ToArray(), shape),
            };
        }

        public OrtValue Value { get; }
        public void Dispose() => Value.Dispose();
    }

    sealed class CacheKeyComparer : IEqualityComparer<(int[] Ids, EncoderLayer Layer)>
    {
        public bool Equals((int[] Ids, EncoderLayer Layer) a, (int[] Ids, EncoderLayer Layer) b) =>
            a.Layer == b.Layer && a.Ids.AsSpan().SequenceEqual(b.Ids);

        public int GetHashCode((int[] Ids, EncoderLayer Layer) key)
        {
            var h = new HashCode();
            h.Add(key.Layer);
            h.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(key.Ids.AsSpan()));
            return h.ToHashCode();
        }
    }
}
