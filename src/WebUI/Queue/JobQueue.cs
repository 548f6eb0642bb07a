using WebUI.Diffusion.Pipelines;
using WebUI.Previews;
using WebUI.Storage;

namespace WebUI.Queue;

/// <summary>
/// The one job queue (see <see cref="IJobQueue"/>). This class keeps the state — waiting jobs in fair order
/// (<see cref="FairOrder"/>), the running job, short records of finished ones — and persists it through
/// <see cref="JobStore"/>; <see cref="QueueWorker"/> takes jobs from it and runs them one at a time.
/// Every method is thread-safe; <see cref="Changed"/> is raised outside the lock, on the caller's or the worker's thread.
/// </summary>
public sealed class JobQueue : IJobQueue
{
    /// <summary>How long finished jobs stay listed (Get, outcome paths) and how many at most.</summary>
    public static readonly TimeSpan FinishedRetention = TimeSpan.FromHours(24);
    public const int MaxFinishedRecords = 200;
    /// <summary>Finished outcomes kept in memory with their PNG bytes (A1111 remembers 16 finished tasks); older ones are read back from disk.</summary>
    public const int OutcomesInMemory = 16;

    readonly Lock _gate = new();
    readonly Dictionary<Guid, JobEntry> _jobs = [];
    readonly Dictionary<string, long> _lastServed = new(StringComparer.Ordinal);
    readonly LinkedList<JobEntry> _outcomes = new();
    readonly JobStore _store;
    readonly IJobRunner _runner;
    readonly PreviewPublisher _previews;
    readonly TimeProvider _time;
    readonly ILogger<JobQueue>? _log;
    readonly SemaphoreSlim _wake = new(0);
    List<JobEntry> _waiting = [];
    JobEntry? _running;
    long _nextSequence, _serveCounter;

    public JobQueue(AppDatabase database, IJobRunner runner, PreviewPublisher previews, ILogger<JobQueue>? log = null, TimeProvider? time = null)
    {
        _store = new JobStore(database);
        _runner = runner;
        _previews = previews;
        _log = log;
        _time = time ?? TimeProvider.System;
        Restore();
    }

    public event Action<QueueEvent>? Changed;

    // ---- IJobQueue ----

    public JobView Enqueue(GenerationRequest request, JobOwner owner) => Enqueue(request, owner, JobOptions.Default);

    public JobView Enqueue(GenerationRequest request, JobOwner owner, JobOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(owner.UserId)) throw new ArgumentException("The job's owner needs a user id.", nameof(owner));
        _runner.Validate(request);

        JobView view;
        lock (_gate)
        {
            var doc = new JobDocument
            {
                Id = Guid.NewGuid(),
                UserId = owner.UserId,
                DisplayName = owner.DisplayName,
                Source = owner.Source,
                SaveImages = options.SaveImages,
                CreatedUtc = _time.GetUtcNow().UtcDateTime,
                Sequence = _nextSequence,
                UserOrder = _nextSequence,
                State = JobState.Queued,
            };
            _nextSequence++;
            _store.Insert(doc, request);
            var entry = new JobEntry(doc, owner, request, options);
            _jobs[doc.Id] = entry;
            Reorder();
            view = ViewOf(entry);
        }
        _wake.Release();
        Raise("added", view.Id);
        return view;
    }

    public IReadOnlyList<JobView> Snapshot()
    {
        lock (_gate)
        {
            var list = new List<JobView>(_waiting.Count + 1);
            if (_running is not null) list.Add(ViewOf(_running));
            foreach (var entry in _waiting) list.Add(ViewOf(entry));
            return list;
        }
    }

    public JobView? Get(Guid id)
    {
        lock (_gate) return _jobs.TryGetValue(id, out var entry) ? ViewOf(entry) : null;
    }

    public bool Cancel(Guid id, string userId)
    {
        CancellationTokenSource? interrupt = null;
        lock (_gate)
        {
            if (!_jobs.TryGetValue(id, out var entry) || entry.Doc.UserId != userId) return false;
            switch (entry.Doc.State)
            {
                case JobState.Queued:
                    Finish(entry, JobState.Canceled, null, null);
                    Reorder();
                    break;
                case JobState.Running:
                    entry.CancelRequested = true;
                    interrupt = entry.Cancellation;
                    break;
                default:
                    return false;
            }
        }
        if (interrupt is null)
        {
            Raise("removed", id);
            return true;
        }
        // Outside the lock: cancelling runs the engine's registration (RunOptions.Terminate) on this thread.
        try { interrupt.Cancel(); }
        catch (ObjectDisposedException) { } // it finished meanwhile
        return true;
    }

    public bool Skip(Guid id, string userId)
    {
        lock (_gate)
        {
            if (_running is not { } entry || entry.Doc.Id != id || entry.Doc.UserId != userId || entry.Control is null) return false;
            entry.Control.SkipCurrentBatch();
            return true;
        }
    }

    public bool Move(Guid id, string userId, int delta)
    {
        lock (_gate)
        {
            if (!_jobs.TryGetValue(id, out var entry) || entry.Doc.UserId != userId || entry.Doc.State != JobState.Queued) return false;
            var own = _waiting.Where(e => e.Doc.UserId == userId).OrderBy(e => e.Doc.UserOrder).ThenBy(e => e.Doc.Sequence).ToList();
            int from = own.IndexOf(entry), to = (int)Math.Clamp((long)from + delta, 0, own.Count - 1);
            if (from == to) return true;
            // The user's slots keep their order keys; only who sits in them changes.
            var keys = own.Select(e => e.Doc.UserOrder).ToArray();
            own.RemoveAt(from);
            own.Insert(to, entry);
            for (int i = 0; i < own.Count; i++)
            {
                if (own[i].Doc.UserOrder == keys[i]) continue;
                own[i].Doc.UserOrder = keys[i];
                _store.Update(own[i].Doc);
            }
            Reorder();
        }
        Raise("moved", id);
        return true;
    }

    public async Task<JobOutcome> WaitAsync(Guid id, CancellationToken cancellationToken = default)
    {
        Task<JobOutcome> pending;
        lock (_gate)
        {
            if (!_jobs.TryGetValue(id, out var entry)) throw new KeyNotFoundException($"No job {id} in the queue (finished jobs are kept for {FinishedRetention.TotalHours:0} hours).");
            if (entry.Completion is { } completion) pending = completion.Task;
            else pending = Task.FromResult(OutcomeFromFiles(entry)); // finished long ago or before a restart
        }
        return await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public JobProgressSnapshot? Current
    {
        get { lock (_gate) return _running?.Progress; }
    }

    public byte[]? CurrentPreviewPng => _previews.LatestPng();

    public PreviewFrame? CurrentPreview => _previews.Latest;

    // ---- the worker's side ----

    /// <summary>Waits for a waiting job, marks it running (persisted) and returns it. Only the worker calls this.</summary>
    internal async Task<JobEntry> TakeNextAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            JobEntry? next = null;
            lock (_gate)
            {
                if (_running is null && _waiting.Count > 0)
                {
                    next = _waiting[0];
                    _running = next;
                    _lastServed[next.Doc.UserId] = ++_serveCounter;
                    next.Doc.State = JobState.Running;
                    next.Doc.StartedUtc = _time.GetUtcNow().UtcDateTime;
                    next.Cancellation = new CancellationTokenSource();
                    next.Control = new GenerationControl();
                    next.Clock = new ProgressClock(next.Doc.Id, next.Request.BatchCount, next.Request.Steps, _time);
                    next.Progress = next.Clock.Initial();
                    _store.Update(next.Doc);
                    Reorder();
                }
            }
            if (next is not null)
            {
                Raise("started", next.Doc.Id);
                return next;
            }
            await _wake.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    internal void ReportProgress(JobEntry entry, in GenerationProgress progress)
    {
        var snapshot = entry.Clock!.OnStep(progress.Batch, progress.Step, progress.Steps);
        lock (_gate) entry.Progress = snapshot;
        Raise(entry.ProgressEvent);
    }

    internal void ReportPreview(JobEntry entry) => Raise(entry.PreviewEvent);

    /// <summary>Records how the running job ended, wakes its waiters and tells everyone.</summary>
    internal void Complete(JobEntry entry, JobRunResult? result, Exception? error)
    {
        lock (_gate)
        {
            if (result is not null)
            {
                // A cancel that came after the last picture was made changes nothing: the job is done.
                Finish(entry, result.Interrupted ? JobState.Canceled : JobState.Done, result, null);
            }
            else if (error is OperationCanceledException)
                Finish(entry, JobState.Canceled, null, null);
            else
                Finish(entry, JobState.Failed, null, error?.Message ?? "The job failed.");
            if (_running == entry) _running = null;
            Reorder();
        }
        _wake.Release();
        Raise("finished", entry.Doc.Id);
    }

    /// <summary>
    /// The host is stopping while the job runs: it stays "running" in the database, so the next start runs it again
    /// from the beginning; here it is simply let go.
    /// </summary>
    internal void Abandon(JobEntry entry)
    {
        lock (_gate)
        {
            if (_running == entry) _running = null;
            entry.Completion?.TrySetCanceled();
        }
    }

    internal bool IsCancelRequested(JobEntry entry)
    {
        lock (_gate) return entry.CancelRequested;
    }

    // ---- internals ----

    void Finish(JobEntry entry, JobState state, JobRunResult? result, string? error)
    {
        var doc = entry.Doc;
        doc.State = state;
        doc.Error = error;
        doc.FinishedUtc = _time.GetUtcNow().UtcDateTime;
        doc.Interrupted = state == JobState.Canceled && doc.StartedUtc is not null;
        doc.SavedPaths = result?.Saved.Select(p => p.FilePath).Where(p => p.Length > 0).ToList() ?? [];
        _store.Update(doc);
        if (entry.Request.InitImage is not null)
        {
            // The record only needs to say what happened; the init image is the big part of it.
            entry.Request = entry.Request with { InitImage = null };
            _store.SaveRequest(doc.Id, entry.Request);
        }
        entry.Cancellation?.Dispose();
        entry.Cancellation = null;
        entry.Control = null;
        entry.Clock = null;

        var completion = entry.Completion!;
        if (result is not null && (state == JobState.Done || result.Result.Images.Count > 0))
        {
            var outcome = new JobOutcome(doc.Id, result.Result, doc.SavedPaths) { Interrupted = state == JobState.Canceled };
            completion.TrySetResult(outcome);
            _outcomes.AddLast(entry);
            while (_outcomes.Count > OutcomesInMemory)
            {
                var old = _outcomes.First!.Value;
                _outcomes.RemoveFirst();
                old.Completion = null; // drop the PNG bytes; WaitAsync reads the saved files from now on
            }
        }
        else if (state == JobState.Failed)
        {
            completion.TrySetException(new InvalidOperationException(error));
            _ = completion.Task.Exception; // observed: nobody may be waiting
        }
        else
        {
            completion.TrySetCanceled();
        }
        Prune();
    }

    void Prune()
    {
        var cutoff = _time.GetUtcNow().UtcDateTime - FinishedRetention;
        var finished = _jobs.Values.Where(e => e.Doc.FinishedUtc is not null)
            .OrderByDescending(e => e.Doc.FinishedUtc).ToList();
        for (int i = 0; i < finished.Count; i++)
        {
            var entry = finished[i];
            if (i < MaxFinishedRecords && entry.Doc.FinishedUtc >= cutoff) continue;
            _jobs.Remove(entry.Doc.Id);
            _outcomes.Remove(entry);
            _store.Delete(entry.Doc.Id);
        }
    }

    void Reorder()
    {
        _waiting = FairOrder.Sort(_jobs.Values.Where(e => e.Doc.State == JobState.Queued),
            e => (e.Doc.UserId, e.Doc.UserOrder, e.Doc.Sequence), _running?.Doc.UserId, _lastServed);
    }

    /// <summary>Loads the stored queue: waiting and interrupted-by-shutdown jobs wait again (the latter from the beginning).</summary>
    void Restore()
    {
        foreach (var doc in _store.LoadAll())
        {
            GenerationRequest request;
            try { request = _store.LoadRequest(doc.Id); }
            catch (InvalidDataException e)
            {
                _log?.LogWarning(e, "Dropping stored job {Id}", doc.Id);
                _store.Delete(doc.Id);
                continue;
            }
            if (doc.State == JobState.Running)
            {
                doc.State = JobState.Queued;
                doc.StartedUtc = null;
                _store.Update(doc);
            }
            var owner = new JobOwner(doc.UserId, doc.DisplayName, doc.Source);
            var entry = new JobEntry(doc, owner, request, new JobOptions { SaveImages = doc.SaveImages });
            if (doc.State != JobState.Queued) entry.Completion = null;
            _jobs[doc.Id] = entry;
            _nextSequence = Math.Max(_nextSequence, Math.Max(doc.Sequence, doc.UserOrder) + 1);
        }
        Prune();
        Reorder();
        if (_waiting.Count > 0)
        {
            _log?.LogInformation("Resuming {Count} queued job(s) from the last run", _waiting.Count);
            _wake.Release();
        }
    }

    JobView ViewOf(JobEntry entry)
    {
        var doc = entry.Doc;
        int position = doc.State switch
        {
            JobState.Running => 0,
            JobState.Queued => _waiting.IndexOf(entry) + 1,
            _ => -1,
        };
        return new JobView(doc.Id, entry.Owner, entry.Request, doc.State, doc.CreatedUtc, position,
            doc.State == JobState.Running ? entry.Progress : null, doc.Error)
        {
            SavedPaths = doc.SavedPaths,
            StartedUtc = doc.StartedUtc,
            FinishedUtc = doc.FinishedUtc,
            Interrupted = doc.Interrupted,
        };
    }

    /// <summary>A finished job whose pictures are no longer in memory: read them back from the saved files.</summary>
    static JobOutcome OutcomeFromFiles(JobEntry entry)
    {
        var doc = entry.Doc;
        switch (doc.State)
        {
            case JobState.Failed: throw new InvalidOperationException(doc.Error ?? "The job failed.");
            case JobState.Canceled when doc.SavedPaths.Count == 0: throw new OperationCanceledException($"Job {doc.Id} was canceled.");
            case JobState.Queued or JobState.Running: throw new InvalidOperationException($"Job {doc.Id} has not finished.");
        }
        if (doc.SavedPaths.Count == 0 && !doc.SaveImages)
            throw new InvalidOperationException($"Job {doc.Id} finished without saving its pictures, and they are no longer in memory.");
        var images = new List<GeneratedImage>(doc.SavedPaths.Count);
        foreach (string path in doc.SavedPaths)
        {
            if (!File.Exists(path)) throw new InvalidOperationException($"A picture of job {doc.Id} is gone: {path}");
            images.Add(SavedImages.Read(path));
        }
        return new JobOutcome(doc.Id, new GenerationResult(images, entry.Request), doc.SavedPaths) { Interrupted = doc.Interrupted };
    }

    void Raise(string kind, Guid id) => Raise(new QueueEvent(kind, id));

    void Raise(QueueEvent e)
    {
        var handlers = Changed;
        if (handlers is null) return;
        foreach (var handler in handlers.GetInvocationList())
        {
            try { ((Action<QueueEvent>)handler)(e); }
            catch (Exception ex)
            {
                // One broken subscriber (a closed circuit, a bad hub client) must not stop the worker or the others.
                _log?.LogWarning(ex, "A queue subscriber failed on {Kind}", e.Kind);
            }
        }
    }
}
