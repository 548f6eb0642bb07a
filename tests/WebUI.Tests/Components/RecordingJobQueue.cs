using WebUI.Diffusion.Pipelines;
using WebUI.Previews;
using WebUI.Queue;

namespace WebUI.Tests.Components;

/// <summary>
/// Test double of the shared queue (not of a model): keeps jobs in a list, records what the page asks of it and lets a
/// test start, advance, preview and finish jobs, raising the events the real queue raises.
/// </summary>
sealed class RecordingJobQueue : IJobQueue
{
    readonly object _gate = new();
    readonly List<JobView> _jobs = [];
    readonly Dictionary<Guid, TaskCompletionSource<JobOutcome>> _waits = [];

    public List<(Guid Id, string UserId)> Canceled { get; } = [];
    public List<(Guid Id, string UserId)> Skipped { get; } = [];
    public List<(Guid Id, string UserId, int Delta)> Moved { get; } = [];
    public Exception? EnqueueFailure { get; set; }

    public IReadOnlyList<GenerationRequest> Requests
    {
        get { lock (_gate) return _jobs.Select(j => j.Request).ToList(); }
    }

    public JobView Enqueue(GenerationRequest request, JobOwner owner) => Enqueue(request, owner, JobOptions.Default);

    public JobView Enqueue(GenerationRequest request, JobOwner owner, JobOptions options)
    {
        if (EnqueueFailure is not null) throw EnqueueFailure;
        JobView view;
        lock (_gate)
        {
            view = new JobView(Guid.NewGuid(), owner, request, JobState.Queued, DateTime.UtcNow, _jobs.Count(j => j.State is JobState.Queued or JobState.Running) + 1, null, null);
            _jobs.Add(view);
            _waits[view.Id] = new TaskCompletionSource<JobOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        Raise("added", view.Id);
        return view;
    }

    /// <summary>Puts a job of someone else in the queue (another browser).</summary>
    public JobView AddForeign(JobOwner owner, string prompt) => Enqueue(new GenerationRequest { Prompt = prompt }, owner);

    public IReadOnlyList<JobView> Snapshot()
    {
        lock (_gate) return _jobs.Where(j => j.State is JobState.Queued or JobState.Running).ToList();
    }

    public JobView? Get(Guid id)
    {
        lock (_gate) return _jobs.FirstOrDefault(j => j.Id == id);
    }

    public bool Cancel(Guid id, string userId)
    {
        lock (_gate) Canceled.Add((id, userId));
        var job = Get(id);
        if (job is null || job.Owner.UserId != userId || job.State is not (JobState.Queued or JobState.Running)) return false;
        Update(id, j => j with { State = JobState.Canceled, Position = -1 });
        _waits[id].TrySetCanceled();
        Raise("finished", id);
        return true;
    }

    public bool Skip(Guid id, string userId)
    {
        lock (_gate) Skipped.Add((id, userId));
        return Get(id) is { State: JobState.Running } job && job.Owner.UserId == userId;
    }

    public bool Move(Guid id, string userId, int delta)
    {
        lock (_gate) Moved.Add((id, userId, delta));
        return Get(id) is { State: JobState.Queued } job && job.Owner.UserId == userId;
    }

    public Task<JobOutcome> WaitAsync(Guid id, CancellationToken cancellationToken = default)
    {
        TaskCompletionSource<JobOutcome> tcs;
        lock (_gate) tcs = _waits[id];
        return tcs.Task.WaitAsync(cancellationToken);
    }

    public JobProgressSnapshot? Current => Snapshot().FirstOrDefault(j => j.State == JobState.Running)?.Progress;
    public byte[]? CurrentPreviewPng => null;
    public PreviewFrame? CurrentPreview { get; private set; }

    public event Action<QueueEvent>? Changed;

    // ---- driving the jobs from a test -------------------------------------------------------------------------------

    public void Start(Guid id)
    {
        Update(id, j => j with { State = JobState.Running, Position = 0, Progress = new JobProgressSnapshot(id, 1, j.Request.BatchCount, 0, j.Request.Steps, 0, TimeSpan.Zero, null) });
        Raise("started", id);
    }

    public void Progress(Guid id, int step, TimeSpan elapsed, TimeSpan? eta)
    {
        Update(id, j => j with
        {
            Progress = new JobProgressSnapshot(id, 1, j.Request.BatchCount, step, j.Request.Steps, step / (double)j.Request.Steps / j.Request.BatchCount, elapsed, eta),
        });
        Raise("progress", id);
    }

    /// <summary>Publishes a preview frame of the job (bytes as the Latent8 codec would write them).</summary>
    public void Preview(Guid id, byte[] bytes, long sequence, string matrixJson)
    {
        var frame = new PreviewFrame(bytes.Length) { JobId = id, Format = PreviewFormat.Latent8, Sequence = sequence, Length = bytes.Length, MatrixJson = matrixJson };
        bytes.CopyTo(frame.Buffer, 0);
        CurrentPreview = frame;
        Raise("preview", id);
    }

    public void Finish(Guid id, JobOutcome outcome)
    {
        Update(id, j => j with { State = JobState.Done, Position = -1, SavedPaths = outcome.SavedPaths });
        _waits[id].TrySetResult(outcome);
        Raise("finished", id);
    }

    public void Fail(Guid id, string reason)
    {
        Update(id, j => j with { State = JobState.Failed, Position = -1, Error = reason });
        _waits[id].TrySetException(new InvalidOperationException(reason));
        Raise("finished", id);
    }

    void Update(Guid id, Func<JobView, JobView> change)
    {
        lock (_gate)
        {
            int i = _jobs.FindIndex(j => j.Id == id);
            _jobs[i] = change(_jobs[i]);
        }
    }

    void Raise(string kind, Guid id) => Changed?.Invoke(new QueueEvent(kind, id));
}
