using WebUI.Queue;

namespace WebUI.Components.State;

/// <summary>
/// The jobs one generation panel queued, in order, and what to do when they end. The queue is shared by every browser;
/// this class only follows the ids this panel owns: the earliest unfinished one is "the current job" that Interrupt and
/// Skip act on and whose progress the panel shows. Queue events arrive on the worker thread; <paramref name="changed"/>
/// must marshal to the UI.
/// </summary>
public sealed class PanelJobs : IDisposable
{
    readonly IJobQueue _queue;
    readonly Func<string> _userId;
    readonly Action<QueueEvent> _changed;
    readonly Func<Guid, Task<JobOutcome>, Task> _finished;
    readonly List<Guid> _active = [];
    readonly object _gate = new();
    readonly CancellationTokenSource _disposed = new();

    public PanelJobs(IJobQueue queue, Func<string> userId, Action<QueueEvent> changed, Func<Guid, Task<JobOutcome>, Task> finished)
    {
        _queue = queue;
        _userId = userId;
        _changed = changed;
        _finished = finished;
        _queue.Changed += OnQueueChanged;
    }

    /// <summary>True while one of this panel's jobs waits or runs.</summary>
    public bool Busy
    {
        get { lock (_gate) return _active.Count > 0; }
    }

    public int Count
    {
        get { lock (_gate) return _active.Count; }
    }

    /// <summary>The panel's earliest unfinished job as the queue sees it now.</summary>
    public JobView? Current
    {
        get
        {
            Guid[] ids;
            lock (_gate) ids = [.. _active];
            foreach (var id in ids)
            {
                var view = _queue.Get(id);
                if (view is { State: JobState.Queued or JobState.Running }) return view;
            }
            return null;
        }
    }

    public bool Owns(Guid id)
    {
        lock (_gate) return _active.Contains(id);
    }

    /// <summary>Queues the request (the queue validates it: ArgumentException with the reason, nothing queued).</summary>
    public JobView Submit(Diffusion.Pipelines.GenerationRequest request, JobOwner owner)
    {
        var view = _queue.Enqueue(request, owner);
        Follow(view.Id);
        return view;
    }

    /// <summary>Follows jobs this user queued from an earlier page of the same panel (a reload keeps its progress).</summary>
    public void Adopt(IEnumerable<JobView> jobs)
    {
        foreach (var job in jobs)
            if (job.State is JobState.Queued or JobState.Running && !Owns(job.Id)) Follow(job.Id);
    }

    /// <summary>A1111's Interrupt: stops the current job (or drops it if it has not started).</summary>
    public bool Interrupt() => Current is { } job && _queue.Cancel(job.Id, _userId());

    /// <summary>A1111's Skip: ends the picture being made and goes on with the next one of the batch.</summary>
    public bool Skip() => Current is { State: JobState.Running } job && _queue.Skip(job.Id, _userId());

    void Follow(Guid id)
    {
        lock (_gate) _active.Add(id);
        _ = WatchAsync(id);
    }

    async Task WatchAsync(Guid id)
    {
        var wait = _queue.WaitAsync(id, _disposed.Token);
        try
        {
            await wait.ConfigureAwait(false);
        }
        catch
        {
            // The handler below sees the same task and reports failures and cancellations.
        }
        if (_disposed.IsCancellationRequested) return;
        lock (_gate) _active.Remove(id);
        await _finished(id, wait).ConfigureAwait(false);
    }

    void OnQueueChanged(QueueEvent e)
    {
        if (Owns(e.JobId)) _changed(e);
    }

    public void Dispose()
    {
        _queue.Changed -= OnQueueChanged;
        _disposed.Cancel();
        _disposed.Dispose();
    }
}
