using System.Diagnostics;
using WebUI.Diffusion.Models;
using WebUI.Diffusion.Pipelines;
using WebUI.History;
using WebUI.Hosting;

namespace WebUI.Generation;

/// <summary>
/// The host's only door to the engine: runs jobs one at a time (a SemaphoreSlim(1)) and saves what they produce the
/// way A1111 does. When the web host runs, its one caller is the job queue's worker (<see cref="Queue.QueueWorker"/>,
/// through <see cref="RunJob"/>): the page and the API enqueue instead. The CLI verbs without a server call
/// <see cref="Generate"/> directly.
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
        MemoryMode = settings.MemoryMode,
        UnloadModelAfterIdle = settings.UnloadModelAfterIdleMinutes > 0 ? TimeSpan.FromMinutes(settings.UnloadModelAfterIdleMinutes) : null,
        SdVae = settings.SdVae,
        VaeTiling = settings.VaeTiling,
        TaesdOutputRange = settings.TaesdOutputRange,
    };

    public WebUIPaths Paths => _paths;

    /// <summary>The engine (model listing, preview matrices, VAE decoding for previews).</summary>
    public GenerationEngine Engine => _engine;

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
        return new GenerationOutcome(Save(result, target, user: null), result.Timings, clock.Elapsed);
    }

    /// <summary>Saves through the <see cref="ImageSaver"/> (which also records into the history when it has an index).</summary>
    List<SavedPicture> Save(GenerationResult result, OutputTarget target, string? user)
    {
        if (target is OutputTarget.Nowhere)
            return [.. result.Images.Select(i => new SavedPicture("", null, i.Seed, i.Width, i.Height, i.Infotext))];
        var saved = _saver.Save(result, target, user);
        return [.. saved.Images.Select(f => new SavedPicture(f.Path, OutputUrls.For(_paths, f.Path), f.Seed, f.Width, f.Height, f.Infotext))];
    }

    /// <summary>
    /// The queue worker's run: like <see cref="Generate"/> with a skip control and the engine's raw progress (latents
    /// for previews). An interrupt after some pictures were finished saves and returns those (A1111 keeps them).
    /// <paramref name="user"/> (the job owner's display name) is recorded with the pictures in the history.
    /// </summary>
    public Queue.JobRunResult RunJob(GenerationRequest request, OutputTarget target, GenerationControl control,
        Action<GenerationProgress>? progress, CancellationToken cancellationToken, string? user = null)
    {
        _worker.Wait(cancellationToken);
        try
        {
            GenerationResult result;
            bool interrupted = false;
            try
            {
                result = _engine.Generate(request, control, progress, cancellationToken);
            }
            catch (GenerationInterruptedException e)
            {
                result = e.Partial;
                interrupted = true;
            }
            var pictures = Save(result, target, user);
            return new Queue.JobRunResult(result, target is OutputTarget.Nowhere ? [] : pictures, interrupted);
        }
        finally
        {
            _worker.Release();
        }
    }

    internal static JobProgress ToJobProgress(GenerationProgress p) => new(p.Batch + 1, p.BatchCount, p.Step + 1, p.Steps);

    public void Dispose()
    {
        _engine.Dispose();
        _worker.Dispose();
    }
}
