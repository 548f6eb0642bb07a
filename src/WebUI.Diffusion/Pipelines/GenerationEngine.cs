using System.Diagnostics;
using System.Text.RegularExpressions;
using WebUI.Diffusion.Models;
using WebUI.Diffusion.Text;

namespace WebUI.Diffusion.Pipelines;

/// <summary>
/// The engine behind the UI, API and CLI: lists checkpoints, keeps the last used model loaded (switching disposes the
/// previous one; <see cref="EngineOptions.UnloadModelAfterIdle"/> frees an idle one), and runs generations one at a time.
/// <see cref="Generate"/> is synchronous and CPU-bound; callers wrap it in Task.Run. Cancellation stops within the
/// running UNet call.
/// </summary>
public sealed partial class GenerationEngine : IDisposable
{
    readonly EngineOptions _options;
    readonly EngineServices _services;
    readonly OnnxSessionFactory _sessions;
    readonly object _gate = new();
    readonly Lock _cacheLock = new();
    readonly Dictionary<string, (DateTime Stamp, string Hash)> _hashes = new(StringComparer.Ordinal);
    DiffusionModel? _loaded;
    ModelInfo? _loadedInfo;
    readonly Dictionary<string, ClipTokenizer> _tokenizers = new(StringComparer.Ordinal);
    readonly Timer? _idleTimer;
    DateTime _lastUse = DateTime.UtcNow;
    bool _disposed;

    public GenerationEngine(EngineOptions options) : this(options, EngineServices.Default) { }

    internal GenerationEngine(EngineOptions options, EngineServices services)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _services = services;
        _sessions = new OnnxSessionFactory(options);
        Embeddings = new EmbeddingDatabase(options.EmbeddingsDir ?? Path.Combine(options.ModelsDir, "embeddings"));
        if (options.VaeTileSize < 0 || options.VaeTileSize % 32 != 0)
            throw new ArgumentException($"VaeTileSize must be 0 (the VAE's sample size) or a positive multiple of 32; got {options.VaeTileSize}.", nameof(options));
        if (!Enum.IsDefined(options.MemoryMode)) throw new ArgumentException($"Unknown memory mode {(int)options.MemoryMode}.", nameof(options));
        if (options.UnloadModelAfterIdle is { } idle && idle > TimeSpan.Zero)
            _idleTimer = new Timer(_ => UnloadIfIdle(), null, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>Textual-inversion embeddings (&lt;ModelsDir&gt;/embeddings unless EngineOptions.EmbeddingsDir says
    /// otherwise), rescanned at each generation; call Refresh() to list them now.</summary>
    public EmbeddingDatabase Embeddings { get; }

    /// <summary>Execution providers the ONNX Runtime library offers.</summary>
    public IReadOnlyList<string> ExecutionProviders => _sessions.AvailableProviders;

    /// <summary>"Cpu", "Cuda" or "DirectML": where sessions run.</summary>
    public string ActiveExecutionProvider => _sessions.ActiveProvider;

    /// <summary>Where checkpoints are listed from: &lt;ModelsDir&gt;/Stable-diffusion.</summary>
    public string CheckpointsDir => Path.GetFullPath(Path.Combine(_options.ModelsDir, "Stable-diffusion"));

    /// <summary>Where separate VAEs are listed from: &lt;ModelsDir&gt;/VAE.</summary>
    public string VaeDir => Path.GetFullPath(Path.Combine(_options.ModelsDir, "VAE"));

    /// <summary>Where TAESD preview decoders are looked for: &lt;ModelsDir&gt;/VAE-approx.</summary>
    public string VaeApproxDir => Path.GetFullPath(Path.Combine(_options.ModelsDir, "VAE-approx"));

    /// <summary>The memory mode sessions are managed in.</summary>
    public MemoryMode MemoryMode => _options.MemoryMode;

    /// <summary>Separate VAEs (folder names under <see cref="VaeDir"/>), for the sd_vae choice; "Automatic" is always valid too.</summary>
    public IReadOnlyList<string> ListVaes() => VaeFolder.List(VaeDir).Select(v => v.Name).ToList();

    /// <summary>The hires fix upscaler names this engine offers, in A1111's order.</summary>
    public static IReadOnlyList<string> HiresUpscalers => HiresFix.UpscalerNames;

    /// <summary>The loaded model itself (tests and diagnostics; not thread-safe while a generation runs).</summary>
    internal DiffusionModel? Loaded => _loaded;

    /// <summary>The model whose sessions are loaded, if any (readable while a generation runs).</summary>
    public ModelInfo? LoadedModel => Volatile.Read(ref _loadedInfo);

    /// <summary>
    /// Checkpoints: folders under Stable-diffusion/ (searched three levels deep) holding model_index.json or unet/,
    /// named by their relative path with '/' separators, sorted by name.
    /// </summary>
    public IReadOnlyList<ModelInfo> ListModels()
    {
        var root = CheckpointsDir;
        var list = new List<ModelInfo>();
        if (Directory.Exists(root)) Collect(root, root, 0, list);
        list.Sort((a, b) => StringComparer.OrdinalIgnoreCase.Compare(a.Name, b.Name));
        return list;
    }

    void Collect(string root, string dir, int depth, List<ModelInfo> list)
    {
        foreach (var sub in Directory.EnumerateDirectories(dir))
        {
            if (ModelFolder.LooksLikeModel(sub))
                list.Add(Describe(Path.GetRelativePath(root, sub).Replace(Path.DirectorySeparatorChar, '/'), sub));
            else if (depth < 2) Collect(root, sub, depth + 1, list);
        }
    }

    ModelInfo Describe(string name, string dir)
    {
        string path = Path.GetFullPath(dir);
        try
        {
            var folder = ModelFolder.Open(path);
            return new ModelInfo(name, path, folder.Family, HashOf(folder));
        }
        catch (Exception e) when (e is ModelFolderException or IOException or UnauthorizedAccessException)
        {
            return new ModelInfo(name, path, "unknown", null); // listed so the user sees it; loading reports the problem
        }
    }

    string? HashOf(ModelFolder folder)
    {
        var unetDir = folder.PartDirectory(ModelFolder.Unet);
        if (!Directory.Exists(unetDir)) return null;
        var stamp = Directory.EnumerateFiles(unetDir).Select(File.GetLastWriteTimeUtc).DefaultIfEmpty().Max();
        lock (_cacheLock)
        {
            if (_hashes.TryGetValue(folder.Path, out var known) && known.Stamp == stamp) return known.Hash;
        }
        var hash = folder.ComputeHash();
        lock (_cacheLock) _hashes[folder.Path] = (stamp, hash);
        return hash;
    }

    [GeneratedRegex(@"^(?<name>.*?)\s*\[[0-9a-fA-F]{8,10}\]$")]
    private static partial Regex TitleWithHash();

    /// <summary>
    /// A checkpoint by name (as listed, case-insensitive; A1111's "name [hash]" titles accepted) or by folder path.
    /// Throws <see cref="ModelNotFoundException"/>.
    /// </summary>
    public ModelInfo ResolveModel(string nameOrPath)
    {
        if (string.IsNullOrWhiteSpace(nameOrPath)) throw new ModelNotFoundException("(empty)");
        string name = nameOrPath.Trim();
        if (TitleWithHash().Match(name) is { Success: true } m) name = m.Groups["name"].Value;

        var root = CheckpointsDir;
        string direct = Path.Combine(root, name.Replace('/', Path.DirectorySeparatorChar));
        if (!Path.IsPathRooted(name) && ModelFolder.LooksLikeModel(direct)) return Describe(name.Replace('\\', '/'), direct);

        var models = ListModels();
        var listed = models.FirstOrDefault(x => string.Equals(x.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? models.FirstOrDefault(x => string.Equals(Path.GetFileName(x.Path), name, StringComparison.OrdinalIgnoreCase));
        if (listed is not null) return listed;

        if (Directory.Exists(nameOrPath) && ModelFolder.LooksLikeModel(nameOrPath))
            return Describe(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(nameOrPath))), nameOrPath);
        throw new ModelNotFoundException(nameOrPath);
    }

    /// <summary>Loads a model's sessions now (otherwise the first generation does), replacing the loaded one.</summary>
    public ModelInfo LoadModel(string nameOrPath)
    {
        var info = ResolveModel(nameOrPath);
        lock (_gate)
        {
            var loaded = Acquire(info).Info;
            MarkUsed();
            return loaded;
        }
    }

    /// <summary>Disposes the loaded model's sessions.</summary>
    public void UnloadModel()
    {
        lock (_gate) UnloadCore();
    }

    void UnloadCore()
    {
        _loaded?.Dispose();
        _loaded = null;
        Volatile.Write(ref _loadedInfo, null);
        DisposePreviewDecoders();
    }

    // Runs on a timer thread: never waits for a running generation (it reschedules the timer when it ends).
    void UnloadIfIdle()
    {
        if (_options.UnloadModelAfterIdle is not { } idle || !Monitor.TryEnter(_gate)) return;
        try
        {
            if (_disposed || _loaded is null) return;
            var since = DateTime.UtcNow - _lastUse;
            if (since >= idle) UnloadCore();
            else _idleTimer?.Change(idle - since, Timeout.InfiniteTimeSpan);
        }
        finally { Monitor.Exit(_gate); }
    }

    void MarkUsed()
    {
        _lastUse = DateTime.UtcNow;
        if (_options.UnloadModelAfterIdle is { } idle) _idleTimer?.Change(idle, Timeout.InfiniteTimeSpan);
    }

    DiffusionModel Acquire(ModelInfo info)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_loaded is not null && _loaded.Folder.Path == info.Path) return _loaded;
        // Free the old sessions before opening new ones: two SD models rarely fit in memory together.
        _loaded?.Dispose();
        _loaded = null;
        Volatile.Write(ref _loadedInfo, null);
        var folder = ModelFolder.Open(info.Path);
        _loaded = DiffusionModel.Load(info, folder, _sessions, TokenizerAt, _options.MemoryMode);
        _loaded.Conditioner.Embeddings = Embeddings;
        Volatile.Write(ref _loadedInfo, _loaded.Info);
        return _loaded;
    }

    /// <summary>The tokenizer of a tokenizer folder, loaded once (the last few folders are kept).</summary>
    ClipTokenizer TokenizerAt(string directory)
    {
        lock (_cacheLock)
        {
            if (_tokenizers.TryGetValue(directory, out var known)) return known;
        }
        var tokenizer = _services.TokenizerFactory(directory);
        lock (_cacheLock)
        {
            if (_tokenizers.Count >= 4) _tokenizers.Clear();
            _tokenizers[directory] = tokenizer;
        }
        return tokenizer;
    }

    /// <summary>The primary tokenizer of a model folder (tokenizer/, or tokenizer_2/ for the SDXL refiner).</summary>
    ClipTokenizer TokenizerFor(ModelFolder folder) =>
        TokenizerAt(folder.PartDirectory(folder.HasTextEncoder ? ModelFolder.Tokenizer : ModelFolder.Tokenizer2));

    /// <summary>The model's CLIP token ids for <paramref name="text"/> (no BOS/EOS, no truncation).</summary>
    public int[] Tokenize(string model, string text)
    {
        var info = ResolveModel(model);
        return TokenizerFor(ModelFolder.Open(info.Path)).Encode(text ?? "");
    }

    /// <summary>
    /// Runs a txt2img (no init image) or img2img request: all BatchCount × BatchSize images, in A1111's order.
    /// Bad requests throw ArgumentException / KeyNotFoundException before any model work; a missing model throws
    /// <see cref="ModelNotFoundException"/>, a broken one <see cref="ModelFolderException"/>; cancellation throws
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    public GenerationResult Generate(GenerationRequest request, Action<GenerationProgress>? progress = null, CancellationToken ct = default) =>
        Generate(request, null, progress, ct);

    /// <summary>
    /// As <see cref="Generate(GenerationRequest, Action{GenerationProgress}?, CancellationToken)"/>, with a
    /// <paramref name="control"/> that can skip the current batch iteration. When cancellation comes after some
    /// pictures were finished, the exception is a <see cref="GenerationInterruptedException"/> carrying them.
    /// </summary>
    public GenerationResult Generate(GenerationRequest request, GenerationControl? control, Action<GenerationProgress>? progress = null, CancellationToken ct = default)
    {
        var total = Stopwatch.StartNew();
        RequestValidator.Validate(request);
        var info = ResolveModel(request.Model);
        var vae = ResolveVae(request.Vae);
        ct.ThrowIfCancellationRequested();
        lock (_gate)
        {
            try
            {
                long loadStart = Stopwatch.GetTimestamp();
                var model = Acquire(info);
                model.SelectVae(vae);
                double load = Stopwatch.GetElapsedTime(loadStart).TotalSeconds;
                var job = new GenerationJob(model, request, _services.ImageOutput, _options, progress, ct, control);
                PipelineTimings Timings() => new(total.Elapsed.TotalSeconds, job.UnetSeconds, job.TextEncoderSeconds, job.VaeSeconds, job.UnetCalls)
                {
                    ModelLoadSeconds = load,
                };
                try
                {
                    return job.Run(Random.Shared) with { Timings = Timings() };
                }
                catch (GenerationInterruptedException e)
                {
                    throw new GenerationInterruptedException(e.Partial with { Timings = Timings() }, ct);
                }
            }
            finally { MarkUsed(); }
        }
    }

    /// <summary>
    /// The cheap latent→RGB preview map for a checkpoint: the map its vae_decoder/config.json ships
    /// ("latent_rgb_factors"/"latent_rgb_bias", exact for the demo model), else A1111's approximation for its family.
    /// </summary>
    public PreviewMatrix PreviewMatrixFor(string model)
    {
        var info = ResolveModel(model);
        var loaded = _loaded;
        var folder = loaded is not null && loaded.Folder.Path == info.Path ? loaded.Folder : ModelFolder.Open(info.Path);
        if (folder.LatentRgbFactors is { } factors) return new PreviewMatrix(factors, folder.LatentRgbBias);
        return new PreviewMatrix(Imaging.LatentPreview.FactorsFor(folder.Family), null);
    }

    /// <summary>
    /// Decodes one scaled (UNet-space) latent [C,h,w] with the VAE in use (a separate one when chosen) into RGB
    /// [3,8h,8w] in ≈[−1,1]: the "Full" live preview (<see cref="DecodePreviewRgb"/> with <see cref="PreviewDecoder.Full"/>).
    /// Meant for the progress callback; throws when no model is loaded or the decoder is unavailable (the sequential
    /// memory mode without a TAESD file), so the caller falls back to its approximate preview.
    /// </summary>
    public float[] DecodeLatent(ReadOnlySpan<float> scaledLatent, int channels, int height, int width) =>
        DecodePreviewRgb(scaledLatent, channels, height, width, PreviewDecoder.Full)
            ?? throw new InvalidOperationException(_loaded is null ? "No model is loaded."
                : "The full VAE preview is not available now (busy in another thread, or the sequential memory mode without a TAESD decoder).");

    /// <summary>The separate VAE a request asks for: its Vae, else the sd_vae setting; null = the model's own.</summary>
    VaeFolder? ResolveVae(string? requested)
    {
        string name = string.IsNullOrWhiteSpace(requested) ? _options.SdVae : requested.Trim();
        if (string.IsNullOrWhiteSpace(name) || name.Equals("Automatic", StringComparison.OrdinalIgnoreCase) || name.Equals("None", StringComparison.OrdinalIgnoreCase))
            return null;
        return VaeFolder.Find(VaeDir, name);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _idleTimer?.Dispose();
            UnloadCore();
        }
    }
}
