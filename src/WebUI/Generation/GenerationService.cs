using System.Diagnostics;
using WebUI.Diffusion.Models;
using WebUI.Diffusion.Pipelines;
using WebUI.History;
using WebUI.Hosting;

namespace WebUI.Generation;

/// <summary>
/// The host's only door to the engine: one worker (a SemaphoreSlim(1)) runs jobs one at a time, off the caller's
/// thread, and saves what they produce the way A1111 does. The web page, the CLI verbs and the benchmark all go through it.
/// </summary>
public sealed class GenerationService : IGenerationService, IDisposable
{
    readonly GenerationEngine _engine;
    readonly WebUIPaths _paths;
    readonly ImageSaver _saver;
    readonly SemaphoreSlim _worker = new(1, 1);

    public GenerationService(GenerationEngine engine, WebUIPaths paths, ImageSaver saver)
    {
        _engine = engine;
        _paths = paths;
        _saver = saver;
    }

    /// <summary>
    /// Creates the engine for these settings (models under the data dir, threads and provider from settings). Without a
    /// <paramref name="saver"/> pictures are saved per the settings but not recorded in the history index (the CLI).
    /// </summary>
    public static GenerationService Create(WebUISettings settings, WebUIPaths paths, ImageSaver? saver = null) =>
        new(new GenerationEngine(EngineOptionsFor(settings, paths)), paths, saver ?? new ImageSaver(paths, settings.Saving));

    public static EngineOptions EngineOptionsFor(WebUISettings settings, WebUIPaths paths) => new()
    {
        ModelsDir = paths.ModelsDir,
        IntraOpThreads = settings.IntraOpThreads,
        ExecutionProvider = settings.ExecutionProvider,
    };

    public WebUIPaths Paths => _paths;

    public bool IsBusy => _worker.CurrentCount == 0;

    public IReadOnlyList<CheckpointInfo> ListCheckpoints() =>
        _engine.ListModels().Select(m => new CheckpointInfo(m.Name, m.Hash)).ToList();

    public ModelInfo ResolveModel(string nameOrPath) => _engine.ResolveModel(nameOrPath);

    public int[] Tokenize(string model, string text) => _engine.Tokenize(model, text);

    public IReadOnlyList<string> ExecutionProviders => _engine.ExecutionProviders;

    public async Task<GenerationOutcome> GenerateAsync(GenerationRequest request, Action<JobProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        await _worker.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // The engine is synchronous and CPU-bound: keep it off the Blazor circuit's thread.
            return await Task.Run(() => Run(request, OutputTarget.Default, progress, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _worker.Release();
        }
    }

    /// <summary>The blocking form for the CLI; same worker, chosen output place.</summary>
    public GenerationOutcome Generate(GenerationRequest request, OutputTarget target, Action<JobProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        _worker.Wait(cancellationToken);
        try
        {
            return Run(request, target, progress, cancellationToken);
        }
        finally
        {
            _worker.Release();
        }
    }

    GenerationOutcome Run(GenerationRequest request, OutputTarget target, Action<JobProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        Action<GenerationProgress>? onStep = progress is null ? null : p => progress(ToJobProgress(p));
        GenerationResult result = _engine.Generate(request, onStep, cancellationToken);
        var saved = _saver.Save(result, target);
        var pictures = target is OutputTarget.Nowhere
            ? result.Images.Select(i => new SavedPicture("", null, i.Seed, i.Width, i.Height, i.Infotext)).ToList()
            : saved.Images.Select(f => new SavedPicture(f.Path, OutputUrls.For(_paths, f.Path), f.Seed, f.Width, f.Height, f.Infotext)).ToList();
        return new GenerationOutcome(pictures, result.Timings, clock.Elapsed);
    }

    internal static JobProgress ToJobProgress(GenerationProgress p) => new(p.Batch + 1, p.BatchCount, p.Step + 1, p.Steps);

    public void Dispose()
    {
        _engine.Dispose();
        _worker.Dispose();
    }
}
