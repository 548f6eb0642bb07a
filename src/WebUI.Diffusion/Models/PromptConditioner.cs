using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using WebUI.Diffusion.Text;

namespace WebUI.Diffusion.Models;

/// <summary>What a sampling run's conditioning depends on.</summary>
/// <param name="Steps">Model calls the prompt schedules span (sampling steps, ×2 for second-order samplers).</param>
/// <param name="HiresSteps">For a hires pass: its model calls (then <paramref name="Steps"/> is the first pass's).</param>
/// <param name="Width">Image width in pixels (SDXL's size conditioning).</param>
/// <param name="Height">Image height in pixels.</param>
/// <param name="ClipSkip">A1111's "Clip skip" (CLIP_stop_at_last_layers), 1 = last layer.</param>
/// <param name="PadConds">A1111's "Pad prompt/negative prompt" (pad_cond_uncond).</param>
internal sealed record ConditioningOptions(string Prompt, string NegativePrompt, int Steps, int Width, int Height,
    EmphasisMode Emphasis = EmphasisMode.Original, int ClipSkip = 1, bool PadConds = false, int? HiresSteps = null);

/// <summary>
/// Turns prompts into UNet conditioning the way A1111 does (a1111-reference §3–§4, diffusion-reference §6b):
/// extra-network tags removed, AND split, each part scheduled, the scheduled texts of one part encoded as one
/// batch (chunked with emphasis, BREAK and textual inversion, padded to the same chunk count with empty chunks,
/// emphasis' mean restored over the batch), chunks concatenated along the token axis.
/// SD 1.x/2.x use one encoder; SDXL concatenates CLIP-L's and OpenCLIP-G's penultimate hidden states and takes the
/// pooled text_embeds and size conditioning (time_ids) along; the refiner has only the second encoder and an
/// aesthetic score in its time_ids.
/// </summary>
internal sealed class PromptConditioner : IDisposable
{
    public const double RefinerPositiveAesthetic = 6.0, RefinerNegativeAesthetic = 2.5;
    const int CommaPaddingBacktrack = 20;

    readonly ClipTextEncoder? _first, _second;
    readonly ModelFolder _folder;

    public PromptConditioner(ModelFolder folder, ClipTextEncoder? first, ClipTextEncoder? second)
    {
        if (first is null && second is null) throw new ArgumentException("A model needs at least one text encoder.");
        _folder = folder;
        _first = first;
        _second = second;
    }

    /// <summary>SDXL (two encoders, or the refiner's second one alone): pooled text_embeds and time_ids are produced.</summary>
    public bool IsSdxl => _second is not null;
    public bool IsRefiner => _first is null && _second is not null;
    /// <summary>The encoders in concatenation order (CLIP-L first).</summary>
    public IEnumerable<ClipTextEncoder> Encoders => new[] { _first, _second }.OfType<ClipTextEncoder>();
    /// <summary>The primary tokenizer (CLIP-L's; the refiner's only one).</summary>
    public ClipTokenizer Tokenizer => (_first ?? _second)!.Tokenizer;

    /// <summary>Textual-inversion embeddings to recognise in prompts; null disables them.</summary>
    public EmbeddingDatabase? Embeddings { get; set; }

    /// <summary>Total hidden width the UNet receives (sum over encoders), known once each encoder has run or declared it.</summary>
    public int? Width => Encoders.All(e => e.Width is not null) ? Encoders.Sum(e => e.Width!.Value) : null;

    /// <summary>Encodes everything a sampling run needs. <paramref name="seconds"/> accumulates text-encoder time.</summary>
    public ConditioningSchedule Build(ConditioningOptions o, RunOptions runOptions, ref double seconds)
    {
        ArgumentNullException.ThrowIfNull(o);
        long start = Stopwatch.GetTimestamp();
        try { return new Run(this, o, runOptions).Build(); }
        finally { seconds += Stopwatch.GetElapsedTime(start).TotalSeconds; }
    }

    /// <summary>The layer each encoder contributes for this clip skip, and the warnings about settings the model ignores.</summary>
    internal IReadOnlyList<(ClipTextEncoder Encoder, EncoderLayer Layer)> Layers(int clipSkip, List<string> warnings)
    {
        if (clipSkip < 1) throw new ArgumentOutOfRangeException(nameof(clipSkip), clipSkip, "Clip skip must be at least 1.");
        var result = new List<(ClipTextEncoder, EncoderLayer)>();
        if (IsSdxl)
        {
            // Both SDXL encoders condition on their penultimate layer without the final LayerNorm.
            foreach (var e in Encoders)
            {
                if (e.HiddenStates.Count < 2)
                    throw new ModelFolderException(e.Part, "SDXL needs the penultimate hidden state, but this export has no hidden_states.N outputs (export it with Optimum)");
                result.Add((e, new EncoderLayer(e.HiddenStates[^2], false)));
            }
            if (clipSkip > 1) warnings.Add($"Clip skip {clipSkip} is ignored for SDXL models: A1111 always uses the penultimate layer of both text encoders.");
            return result;
        }
        var encoder = _first!;
        if (clipSkip == 1) return [(encoder, EncoderLayer.Last)];
        if (_folder.Family.StartsWith("sd2", StringComparison.Ordinal))
        {
            warnings.Add($"Clip skip {clipSkip} is ignored for SD 2.x models, as in A1111 (its OpenCLIP encoder has no clip skip).");
            return [(encoder, EncoderLayer.Last)];
        }
        var hidden = encoder.HiddenStates;
        if (hidden.Count == 0)
            throw new ArgumentException($"Clip skip {clipSkip} needs the text encoder's hidden states, but this export only has last_hidden_state. Use Clip skip 1 or a model exported with hidden_states outputs (e.g. by Optimum).");
        int index = hidden.Count - clipSkip;
        if (index < 0)
            throw new ArgumentException($"Clip skip {clipSkip} is more than this text encoder's {hidden.Count - 1} layers allow.");
        if (encoder.FinalNorm(out var problem) is null)
            throw new ArgumentException($"Clip skip {clipSkip} needs the text encoder's final LayerNorm, which cannot be read: {problem}.");
        return [(encoder, new EncoderLayer(hidden[index], true))];
    }

    /// <summary>Frees the encoders' sessions (sequential memory mode); the next encode reopens them.</summary>
    public void Release()
    {
        foreach (var e in Encoders) e.Release();
    }

    /// <summary>True while any text encoder session is open.</summary>
    public bool IsOpen => Encoders.Any(e => e.IsOpen);

    public void Dispose()
    {
        _first?.Dispose();
        _second?.Dispose();
    }

    /// <summary>One Build call: the per-run state (chunkers, used embeddings, warnings).</summary>
    sealed class Run
    {
        readonly PromptConditioner _owner;
        readonly ConditioningOptions _o;
        readonly RunOptions _runOptions;
        readonly List<string> _warnings = [];
        readonly List<(ClipTextEncoder Encoder, EncoderLayer Layer, PromptChunker Chunker)> _encoders = [];
        readonly IReadOnlyDictionary<string, TextualInversionEmbedding> _embeddings;
        readonly List<string> _usedEmbeddings = [];
        bool _emphasisSyntax;

        public Run(PromptConditioner owner, ConditioningOptions o, RunOptions runOptions)
        {
            _owner = owner;
            _o = o;
            _runOptions = runOptions;
            _embeddings = owner.Embeddings?.Refresh().Embeddings ?? new Dictionary<string, TextualInversionEmbedding>();
            foreach (var (encoder, layer) in owner.Layers(o.ClipSkip, _warnings))
            {
                int width = encoder.Width ?? LearnWidth(encoder);
                var triggers = encoder.Triggers(_embeddings.Values, width);
                _encoders.Add((encoder, layer, new PromptChunker(encoder.Tokenizer, o.Emphasis, CommaPaddingBacktrack, triggers)));
            }
        }

        int LearnWidth(ClipTextEncoder encoder)
        {
            var empty = new PromptChunker(encoder.Tokenizer).EmptyChunk();
            encoder.Encode(empty.Ids, EncoderLayer.Last, false, _runOptions);
            return encoder.Width!.Value;
        }

        public ConditioningSchedule Build()
        {
            var plan = PromptConditioningPlan.Create(_o.Prompt, _o.NegativePrompt, _o.Steps, _o.HiresSteps);
            var embeddings = new List<TextEmbedding>();

            // Identical AND parts share one schedule object in the plan; each distinct schedule is one encoder batch.
            var batches = new Dictionary<IReadOnlyList<(int, int)>, IReadOnlyList<(int, int)>>(ReferenceEqualityComparer.Instance);
            var positive = new List<SubPromptSchedule>(plan.Positive.Count);
            foreach (var part in plan.Positive)
            {
                if (!batches.TryGetValue(part.Schedule, out var mapped))
                    batches[part.Schedule] = mapped = EncodeSchedule(plan, part.Schedule, negative: false, embeddings);
                positive.Add(new SubPromptSchedule(part.Weight, mapped));
            }
            var negative = EncodeSchedule(plan, plan.Negative, negative: true, embeddings);
            TextEmbedding? empty = _o.PadConds ? EncodeBatch([""], negative: false)[0] : null;

            var extras = new List<KeyValuePair<string, object?>>();
            if (_usedEmbeddings.Count > 0)
                extras.Add(new("TI hashes", string.Join(", ", _usedEmbeddings.Select(n =>
                    $"{n.Replace(":", "").Replace(",", "")}: {_embeddings[n].ShortHash}"))));
            if (_o.Emphasis != EmphasisMode.Original && _emphasisSyntax) extras.Add(new("Emphasis", Emphasis.Name(_o.Emphasis)));
            foreach (var tag in plan.ExtraNetworks.Select(t => t.Name).Distinct())
                _warnings.Add($"Extra network <{tag}:...> was removed from the prompt; extra networks (LoRA, hypernetworks) are not supported.");

            return new ConditioningSchedule(embeddings, positive, negative)
            {
                EmptyPrompt = empty,
                InfotextExtras = extras,
                Warnings = _warnings,
            };
        }

        IReadOnlyList<(int, int)> EncodeSchedule(PromptConditioningPlan plan, IReadOnlyList<(int EndStep, int TextIndex)> schedule,
            bool negative, List<TextEmbedding> embeddings)
        {
            var encoded = EncodeBatch(schedule.Select(e => plan.Texts[e.TextIndex]).ToList(), negative);
            var result = new (int, int)[schedule.Count];
            for (int i = 0; i < schedule.Count; i++)
            {
                result[i] = (schedule[i].EndStep, embeddings.Count);
                embeddings.Add(encoded[i]);
            }
            return result;
        }

        /// <summary>A1111's FrozenCLIPEmbedderWithCustomWords.forward over one batch of texts, for every encoder.</summary>
        IReadOnlyList<TextEmbedding> EncodeBatch(IReadOnlyList<string> texts, bool negative)
        {
            if (texts.Any(t => t.Contains('(') || t.Contains('['))) _emphasisSyntax = true;
            int n = texts.Count;
            var chunked = _encoders.Select(e => texts.Select(t => e.Chunker.Chunk(t).ToList()).ToList()).ToList();
            int chunkCount = chunked.SelectMany(perText => perText).Max(c => c.Count);
            for (int k = 0; k < _encoders.Count; k++)
            {
                foreach (var list in chunked[k])
                    while (list.Count < chunkCount) list.Add(_encoders[k].Chunker.EmptyChunk());
                var all = chunked[k].SelectMany(c => c).ToList();
                foreach (var fix in all.SelectMany(c => c.Fixes))
                    if (!_usedEmbeddings.Contains(fix.Name)) _usedEmbeddings.Add(fix.Name);
                _encoders[k].Encoder.BindEmbeddings(all, _embeddings);
            }

            int totalWidth = 0;
            var widths = new int[_encoders.Count];
            for (int k = 0; k < _encoders.Count; k++) totalWidth += widths[k] = _encoders[k].Encoder.Width!.Value;
            int tokens = TextEncoderModel.ChunkLength * chunkCount;
            var data = new float[n][];
            for (int t = 0; t < n; t++) data[t] = new float[tokens * totalWidth];
            var pooled = new float[n][];

            int column = 0;
            for (int k = 0; k < _encoders.Count; k++)
            {
                var (encoder, layer, _) = _encoders[k];
                int d = widths[k], per = TextEncoderModel.ChunkLength * d;
                bool wantPooled = _owner.IsSdxl && ReferenceEquals(encoder, _owner._second);
                var batch = new float[n * per];
                var weights = new float[n * TextEncoderModel.ChunkLength];
                for (int c = 0; c < chunkCount; c++)
                {
                    for (int t = 0; t < n; t++)
                    {
                        var chunk = chunked[k][t][c];
                        var (hidden, pool) = encoder.Encode(chunk.Ids, layer, wantPooled && c == 0, _runOptions);
                        if (hidden.Length != per)
                            throw new ModelFolderException(encoder.Part, $"'{layer.Output}' is {hidden.Length / TextEncoderModel.ChunkLength} wide; expected {d}");
                        hidden.CopyTo(batch, t * per);
                        chunk.Weights.CopyTo(weights, t * TextEncoderModel.ChunkLength);
                        if (c == 0 && pool is not null) pooled[t] = pool;
                    }
                    // Emphasis over the whole chunk batch: "Original" restores the mean of all texts together.
                    Emphasis.Apply(batch, weights, _o.Emphasis);
                    for (int t = 0; t < n; t++)
                        for (int row = 0; row < TextEncoderModel.ChunkLength; row++)
                            batch.AsSpan(t * per + row * d, d).CopyTo(
                                data[t].AsSpan(((c * TextEncoderModel.ChunkLength) + row) * totalWidth + column, d));
                }
                column += d;
            }

            // SDXL zeroes the whole text conditioning of an entirely empty negative prompt (force_zero_embeddings).
            bool zero = negative && _owner.IsSdxl && _owner._folder.ForceZerosForEmptyPrompt && texts.All(t => t.Length == 0);
            var result = new TextEmbedding[n];
            for (int t = 0; t < n; t++)
            {
                if (zero)
                {
                    Array.Clear(data[t]);
                    if (pooled[t] is not null) Array.Clear(pooled[t]);
                }
                result[t] = new TextEmbedding(data[t], tokens, totalWidth)
                {
                    Pooled = _owner.IsSdxl ? pooled[t] : null,
                    TimeIds = _owner.IsSdxl ? TimeIds(negative) : null,
                };
            }
            return result;
        }

        /// <summary>SDXL size conditioning [orig_h, orig_w, crop_top, crop_left, target_h, target_w]; the refiner's
        /// [orig_h, orig_w, crop_top, crop_left, aesthetic score] (6.0 for the prompt, 2.5 for the negative).</summary>
        float[] TimeIds(bool negative) => _owner.IsRefiner
            ? [_o.Height, _o.Width, 0, 0, (float)(negative ? RefinerNegativeAesthetic : RefinerPositiveAesthetic)]
            : [_o.Height, _o.Width, 0, 0, _o.Height, _o.Width];
    }
}
