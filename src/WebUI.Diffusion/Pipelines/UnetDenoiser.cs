using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using WebUI.Diffusion.Models;
using WebUI.Diffusion.Sampling;
using WebUI.Diffusion.Text;

namespace WebUI.Diffusion.Pipelines;

/// <summary>
/// D(x, σ) over the ONNX UNet, with classifier-free guidance (diffusion-reference §1.3–1.6, §4) and A1111's prompt
/// machinery (sd_samplers_cfg_denoiser.py): x_in = x·c_in, t = sigma_to_t(σ) (nearest table index for integer
/// timestep inputs), ε- or v-prediction wrapper, and D = D_u + Σᵢ wᵢ·cfg·(D_cᵢ − D_u) over the AND parts.
/// <para>
/// The conditioning comes from a <see cref="ConditioningSchedule"/> and may change between model calls (prompt
/// editing, alternation): the denoiser counts its calls since <see cref="StartSampling"/> and switches at the
/// schedule's change points. The UNet batch is laid out in A1111's order [image 0's conds…, image 1's conds…, …,
/// uncond for each image]; conds of different lengths are padded by repeating their last vector. With a dynamic
/// batch axis a guided step is one call; when cond and uncond lengths differ they go in separate calls (A1111's
/// default) or, with "Pad prompt/negative prompt", the shorter gets empty-prompt chunks; a fixed batch runs calls of
/// that size (padding the last one). SDXL rows carry text_embeds and time_ids; an LCM-distilled UNet gets the
/// guidance embedding as timestep_cond and no unconditional rows. One plain prompt at CFG 1 runs the cond half only.
/// Tensors are made per distinct conditioning and reused; a step between change points allocates nothing.
/// </para>
/// It also serves CFG++ samplers (<see cref="IGuidedDenoiser"/>) and, with <see cref="LcmBoundaryCondition"/>, the
/// LCM sampler (integer LCM timesteps and the consistency boundary condition, <see cref="LcmBoundary"/>).
/// </summary>
internal sealed class UnetDenoiser : IGuidedDenoiser, IDisposable
{
    readonly UnetModel _unet;
    readonly NoiseSchedule _schedule;
    readonly PredictionType _prediction;
    readonly RunOptions _runOptions;
    readonly CancellationToken _ct;
    readonly ConditioningSchedule _conditioning;
    readonly int _images, _perImage, _samplePerImage;
    readonly bool _guided, _padConds;
    readonly float _cfg;
    readonly TensorBuffer _timestep;
    readonly float[]? _guidanceEmbedding;
    readonly List<IDisposable> _owned = [];
    readonly Dictionary<string, Layout> _layouts = new(StringComparer.Ordinal);
    readonly Dictionary<int, TensorBuffer[]> _io = [];
    readonly string[] _inputNames;
    readonly string[] _outputNames;
    Layout? _layout;
    Layout?[]? _segmentLayouts;
    int _call, _nextChange;
    long _unetTicks;

    /// <summary>One UNet run: rows [FirstRow, FirstRow + Rows) of the layout, padded to Batch.</summary>
    sealed record UnetCall(int FirstRow, int Rows, int Batch, TensorBuffer Sample, TensorBuffer Output, OrtValue[] Inputs, OrtValue[] Outputs);

    /// <summary>The UNet calls for one combination of conditionings: <see cref="Conds"/> rows per image, then uncond rows.</summary>
    sealed record Layout(int Conds, float[] Weights, UnetCall[] Calls, float[] Out, bool PaddedCondUncond);

    public UnetDenoiser(UnetModel unet, NoiseSchedule schedule, PredictionType prediction,
        int images, int height, int width, ConditioningSchedule conditioning, double cfgScale,
        RunOptions runOptions, CancellationToken cancellationToken = default, bool padConds = false)
    {
        if (images < 1) throw new ArgumentOutOfRangeException(nameof(images));
        _unet = unet;
        _schedule = schedule;
        _prediction = prediction;
        _runOptions = runOptions;
        _ct = cancellationToken;
        _conditioning = conditioning;
        _images = images;
        _padConds = padConds;
        Channels = unet.LatentChannels;
        Height = height;
        Width = width;
        _perImage = Channels * height * width;
        _samplePerImage = unet.InChannels * height * width;
        _cfg = (float)cfgScale;
        _outputNames = [unet.OutputName];
        foreach (var e in conditioning.Embeddings) CheckEmbedding(e);

        if (unet.HasTimestepCond)
        {
            // LCM-distilled: guidance is an input of the UNet (w = cfg − 1), there is no unconditional batch.
            if (conditioning.Positive.Count > 1)
                throw new ArgumentException("AND needs classifier-free guidance, which an LCM-distilled UNet (timestep_cond input) does not use; remove AND from the prompt.");
            _guided = false;
            _guidanceEmbedding = LcmGuidance.Embedding(cfgScale, unet.TimestepCondWidth ?? LcmGuidance.DefaultWidth);
        }
        else _guided = cfgScale != 1.0 || !conditioning.IsSingle;

        var names = new List<string> { UnetModel.SampleName, UnetModel.TimestepName, UnetModel.HiddenName };
        if (unet.IsSdxl) names.AddRange([UnetModel.TextEmbedsName, UnetModel.TimeIdsName]);
        if (unet.HasTimestepCond) names.Add(UnetModel.TimestepCondName);
        _inputNames = names.ToArray();
        _timestep = Own(new TensorBuffer(unet.TimestepType, unet.TimestepShape));
        StartSampling();
    }

    /// <summary>A fixed prompt/negative pair (no schedule); <paramref name="uncond"/> null means no guidance.</summary>
    public UnetDenoiser(UnetModel unet, NoiseSchedule schedule, PredictionType prediction,
        int images, int height, int width, TextEmbedding cond, TextEmbedding? uncond, double cfgScale,
        RunOptions runOptions, CancellationToken cancellationToken = default)
        : this(unet, schedule, prediction, images, height, width, ConditioningSchedule.Fixed(cond, uncond),
            uncond is null ? 1.0 : cfgScale, runOptions, cancellationToken)
    {
    }

    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    /// <summary>Denoise calls (sampler model evaluations) over the denoiser's life.</summary>
    public int ModelCalls { get; private set; }
    /// <summary>ONNX UNet runs.</summary>
    public int UnetCalls { get; private set; }
    public double UnetSeconds => Stopwatch.GetElapsedTime(0, _unetTicks).TotalSeconds;
    public bool IsGuided => _guided;
    /// <summary>UNet runs per Denoise call with the conditioning in use now.</summary>
    public int CallsPerStep => CurrentLayout().Calls.Length;
    /// <summary>True once a call padded prompt or negative prompt with empty-prompt chunks (infotext "Pad conds").</summary>
    public bool PaddedCondUncond { get; private set; }

    /// <summary>
    /// LCM mode (A1111's LCMCompVisDenoiser): the UNet gets the nearest of the 50 distilled timesteps and the result
    /// is D = c_out(t)·x0 + c_skip(t)·x, with x0 the usual ε/v estimate.
    /// </summary>
    public bool LcmBoundaryCondition { get; set; }

    /// <summary>
    /// An inpainting UNet's extra input channels for every image of the batch ([images, InChannels − 4, h, w]: the
    /// mask ‖ masked-image latents, diffusion-reference §5.3). They follow the c_in-scaled latents unscaled, and every
    /// cond and uncond row of an image gets the same ones. Required when the UNet has more than 4 input channels.
    /// </summary>
    public float[]? ImageConditioning { get; set; }

    /// <summary>Restarts the model-call count that prompt schedules are read with (A1111 resets it per sampling run).</summary>
    public void StartSampling()
    {
        _call = 0;
        _layout = null;
        _nextChange = 0;
    }

    T Own<T>(T d) where T : IDisposable { _owned.Add(d); return d; }

    void CheckEmbedding(TextEmbedding e)
    {
        if (_unet.HiddenWidth is { } w && w != e.Width)
            throw new ModelFolderException("unet", $"'encoder_hidden_states' is {w} wide but the prompt encoding is {e.Width} wide");
        if (_unet.FixedSequence is { } s && s != e.Tokens)
            throw new ArgumentException($"The prompt needs {e.Tokens} tokens but this UNet export accepts exactly {s}; shorten the prompt (at most 75 tokens, no BREAK).");
        if (_unet.IsSdxl && (e.Pooled is null || e.TimeIds is null))
            throw new ModelFolderException("unet", "takes SDXL's text_embeds and time_ids, but the conditioning has none");
        if (_unet.TextEmbedsWidth is { } p && e.Pooled is { } pooled && pooled.Length != p)
            throw new ModelFolderException("unet", $"'text_embeds' is {p} wide but text_encoder_2 pools to {pooled.Length}");
        if (_unet.TimeIdsCount is { } n && e.TimeIds is { } ids && ids.Length != n)
            throw new ModelFolderException("unet", $"'time_ids' takes {n} values; the conditioning has {ids.Length}");
    }

    // The layout of the schedule segment the current call falls in. Segments are cached by index, so after the first
    // sampling run even alternating prompts switch without allocating.
    Layout CurrentLayout()
    {
        if (_layout is not null && _call < _nextChange) return _layout;
        var points = _conditioning.ChangePoints;
        int segment = 0;
        while (segment + 1 < points.Count && points[segment + 1] <= _call) segment++;
        _nextChange = segment + 1 < points.Count ? points[segment + 1] : int.MaxValue;
        _segmentLayouts ??= new Layout?[points.Count];
        if (_segmentLayouts[segment] is { } known) return _layout = known;

        // Which encodings this segment uses; the key names the combination so alternating prompts share tensors.
        int m = _conditioning.Positive.Count;
        var conds = new int[m];
        for (int j = 0; j < m; j++) conds[j] = _conditioning.PositiveAt(j, _call);
        int uncond = _guided ? _conditioning.NegativeAt(_call) : -1;
        string key = string.Join(",", conds) + "|" + uncond;
        if (!_layouts.TryGetValue(key, out var layout)) _layouts[key] = layout = BuildLayout(conds, uncond);
        return _layout = _segmentLayouts[segment] = layout;
    }

    Layout BuildLayout(int[] condIndexes, int uncondIndex)
    {
        int m = condIndexes.Length, n = _images;
        var emb = _conditioning.Embeddings;
        var weights = new float[m];
        for (int j = 0; j < m; j++) weights[j] = (float)_conditioning.Positive[j].Weight;

        // Conds of one batch share a length: shorter ones repeat their last vector (reconstruct_multicond_batch).
        int condTokens = condIndexes.Max(i => emb[i].Tokens);
        var conds = condIndexes.Select(i => Pad(emb[i], condTokens)).ToArray();
        TextEmbedding? uncond = _guided ? emb[uncondIndex] : null;
        bool padded = false;
        if (uncond is not null && uncond.Tokens != condTokens && _padConds)
        {
            var empty = _conditioning.EmptyPrompt ?? throw new InvalidOperationException("Padding prompts needs the empty-prompt conditioning.");
            if (uncond.Tokens < condTokens) uncond = AppendEmpty(uncond, empty, condTokens);
            else
            {
                int target = uncond.Tokens;
                conds = conds.Select(c => AppendEmpty(c, empty, target)).ToArray();
                condTokens = target;
            }
            padded = true;
        }

        int rows = n * m + (uncond is null ? 0 : n);
        TextEmbedding RowEmbedding(int row) => row < n * m ? conds[row % m] : uncond!;
        var groups = new List<(int First, int Count)>();
        if (uncond is null) groups.Add((0, n * m));
        else if (uncond.Tokens == condTokens) groups.Add((0, rows));
        else { groups.Add((0, n * m)); groups.Add((n * m, n)); }

        var calls = new List<UnetCall>();
        foreach (var (first, count) in groups)
        {
            int batch = _unet.FixedBatch ?? count;
            for (int start = first; start < first + count; start += batch)
            {
                int valid = Math.Min(batch, first + count - start);
                int tokens = RowEmbedding(start).Tokens, width = RowEmbedding(start).Width;
                var io = SampleBuffers(batch);
                var inputs = new List<OrtValue> { io[0].Value, _timestep.Value };
                var hidden = Own(new TensorBuffer(_unet.HiddenType, [batch, tokens, width]));
                inputs.Add(hidden.Value);
                TensorBuffer? pooled = null, timeIds = null, timeCond = null;
                if (_unet.IsSdxl)
                {
                    var e0 = RowEmbedding(start);
                    pooled = Own(new TensorBuffer(_unet.TextEmbedsType!.Value, [batch, e0.Pooled!.Length]));
                    timeIds = Own(new TensorBuffer(_unet.TimeIdsType!.Value, [batch, e0.TimeIds!.Length]));
                    inputs.AddRange([pooled.Value, timeIds.Value]);
                }
                if (_guidanceEmbedding is not null)
                {
                    timeCond = Own(new TensorBuffer(_unet.TimestepCondType!.Value, [batch, _guidanceEmbedding.Length]));
                    inputs.Add(timeCond.Value);
                }
                for (int k = 0; k < batch; k++)
                {
                    var e = RowEmbedding(start + Math.Min(k, valid - 1));
                    hidden.Write(e.Data, k * e.Data.Length);
                    pooled?.Write(e.Pooled, k * e.Pooled!.Length);
                    timeIds?.Write(e.TimeIds, k * e.TimeIds!.Length);
                    timeCond?.Write(_guidanceEmbedding, k * _guidanceEmbedding!.Length);
                }
                calls.Add(new UnetCall(start, valid, batch, io[0], io[1], inputs.ToArray(), [io[1].Value]));
            }
        }
        return new Layout(m, weights, calls.ToArray(), new float[rows * _perImage], padded);
    }

    TensorBuffer[] SampleBuffers(int batch)
    {
        if (!_io.TryGetValue(batch, out var io))
        {
            _io[batch] = io = [Own(new TensorBuffer(_unet.SampleType, [batch, _unet.InChannels, Height, Width])),
                Own(new TensorBuffer(_unet.OutputType, [batch, Channels, Height, Width]))];
        }
        return io;
    }

    static TextEmbedding Pad(TextEmbedding e, int tokens) => e.Tokens == tokens ? e
        : e with { Data = ConditioningPadding.RepeatLastVector(e.Data, e.Width, tokens), Tokens = tokens };

    static TextEmbedding AppendEmpty(TextEmbedding e, TextEmbedding empty, int tokens) =>
        e with { Data = ConditioningPadding.AppendEmptyPrompt(e.Data, empty.Data, e.Width, tokens), Tokens = tokens };

    public void Denoise(ReadOnlySpan<float> x, double sigma, Span<float> denoised) => Run(x, sigma, _cfg, denoised, default);

    /// <summary>CFG++: guides with w·<paramref name="guidanceScaleMultiplier"/> and also returns the unconditional D_u.</summary>
    public void DenoiseGuided(ReadOnlySpan<float> x, double sigma, double guidanceScaleMultiplier, Span<float> denoised, Span<float> unconditionalDenoised)
    {
        if (unconditionalDenoised.Length != denoised.Length) throw new ArgumentException("The unconditional buffer must match the latent.", nameof(unconditionalDenoised));
        Run(x, sigma, (float)(_cfg * guidanceScaleMultiplier), denoised, unconditionalDenoised);
    }

    void Run(ReadOnlySpan<float> x, double sigma, float cfg, Span<float> denoised, Span<float> unconditional)
    {
        int total = _images * _perImage;
        if (x.Length != total || denoised.Length != total)
            throw new ArgumentException($"Latent has {x.Length} values; expected {total} ({_images}×{Channels}×{Height}×{Width}).");
        int extra = _samplePerImage - _perImage;
        if (extra > 0 && ImageConditioning?.Length != _images * extra)
            throw new InvalidOperationException($"This inpainting UNet needs {extra / (Height * Width)} conditioning channels per image (mask and masked-image latents).");
        var layout = CurrentLayout();
        if (layout.PaddedCondUncond) PaddedCondUncond = true;
        ModelCalls++;
        _call++;
        float cIn = (float)(1 / Math.Sqrt(sigma * sigma + 1));
        double t = LcmBoundaryCondition ? LcmBoundary.Timestep(_schedule, sigma)
            : _unet.TimestepIsInteger ? _schedule.SigmaToNearestT(sigma) : _schedule.SigmaToT(sigma);
        _timestep.Fill(t);

        int m = layout.Conds, condRows = _images * m;
        foreach (var call in layout.Calls)
        {
            _ct.ThrowIfCancellationRequested();
            for (int k = 0; k < call.Batch; k++)
            {
                int row = call.FirstRow + Math.Min(k, call.Rows - 1);
                int image = row < condRows ? row / m : row - condRows;
                call.Sample.Write(x.Slice(image * _perImage, _perImage), k * _samplePerImage, cIn);
                if (extra > 0) call.Sample.Write(ImageConditioning.AsSpan(image * extra, extra), k * _samplePerImage + _perImage);
            }
            long start = Stopwatch.GetTimestamp();
            try { _unet.Session.Run(_runOptions, _inputNames, call.Inputs, _outputNames, call.Outputs); }
            catch (OnnxRuntimeException) when (_ct.IsCancellationRequested) { throw new OperationCanceledException(_ct); }
            finally { _unetTicks += Stopwatch.GetTimestamp() - start; }
            UnetCalls++;
            call.Output.Read(layout.Out.AsSpan(call.FirstRow * _perImage, call.Rows * _perImage));
        }
        Combine(layout, x, sigma, (int)t, cfg, denoised, unconditional);
    }

    void Combine(Layout layout, ReadOnlySpan<float> x, double sigma, int timestep, float w, Span<float> denoised, Span<float> unconditional)
    {
        // ε: D = x − σ·ε.  v: D = x/(σ²+1) − σ/√(σ²+1)·v.  Guidance is affine, so it is applied to ε/v directly;
        // so is LCM's boundary condition D = c_out·x0 + c_skip·x, which folds into the same two coefficients.
        double cSkip, cOut;
        if (_prediction == PredictionType.Epsilon) { cSkip = 1; cOut = -sigma; }
        else { cSkip = 1 / (sigma * sigma + 1); cOut = -sigma / Math.Sqrt(sigma * sigma + 1); }
        if (LcmBoundaryCondition)
        {
            var (lcmSkip, lcmOut) = LcmBoundary.Scalings(timestep);
            cSkip = lcmOut * cSkip + lcmSkip;
            cOut = lcmOut * cOut;
        }
        float a = (float)cSkip, b = (float)cOut;
        int m = layout.Conds, p = _perImage;
        var o = layout.Out.AsSpan();
        var weights = layout.Weights;
        for (int image = 0; image < _images; image++)
        {
            var xs = x.Slice(image * p, p);
            var d = denoised.Slice(image * p, p);
            var first = o.Slice(image * m * p, p);
            if (!_guided)
            {
                for (int i = 0; i < p; i++) d[i] = a * xs[i] + b * first[i];
                if (!unconditional.IsEmpty) d.CopyTo(unconditional.Slice(image * p, p));
                continue;
            }
            // A1111's combine_denoised: uncond + Σⱼ (condⱼ − uncond)·wⱼ·cfg.
            var u = o.Slice((_images * m + image) * p, p);
            for (int i = 0; i < p; i++)
            {
                float ui = u[i], e = ui;
                for (int j = 0; j < m; j++) e += (o[(image * m + j) * p + i] - ui) * (weights[j] * w);
                d[i] = a * xs[i] + b * e;
            }
            if (!unconditional.IsEmpty)
            {
                var du = unconditional.Slice(image * p, p);
                for (int i = 0; i < p; i++) du[i] = a * xs[i] + b * u[i];
            }
        }
    }

    public void Dispose()
    {
        foreach (var d in _owned) d.Dispose();
        _owned.Clear();
    }
}
