using WebUI.Diffusion.Pipelines;

namespace WebUI.Queue;

/// <summary>Who asked for a job: a browser (stable cookie id + editable display name), an API client or the CLI.</summary>
public sealed record JobOwner(string UserId, string DisplayName, JobSource Source);

public enum JobSource { Ui, Api, Cli }

public enum JobState { Queued, Running, Done, Failed, Canceled }

/// <summary>Progress of the running job. Preview is the latest preview picture (PNG) when one was made.</summary>
public sealed record JobProgressSnapshot(
    Guid JobId, int Batch, int BatchCount, int Step, int Steps, double Fraction, TimeSpan Elapsed, TimeSpan? Eta);

/// <summary>A job as everyone sees it in the queue.</summary>
public sealed record JobView(
    Guid Id, JobOwner Owner, GenerationRequest Request, JobState State, DateTime CreatedUtc, int Position,
    JobProgressSnapshot? Progress, string? Error);

/// <summary>What happened to the queue; pushed to every browser over SignalR.</summary>
public sealed record QueueEvent(string Kind /* added|started|progress|preview|finished|removed|moved */, Guid JobId);

/// <summary>
/// The one queue shared by the UI, the API and every browser on the LAN: a single worker owns the model and runs one
/// job at a time; waiting jobs are picked round-robin between users; jobs are persisted so a restart resumes them.
/// Users may cancel, skip or reorder only their own jobs.
/// </summary>
public interface IJobQueue
{
    /// <summary>Validates (throws ArgumentException with the reason, nothing queued) and enqueues.</summary>
    JobView Enqueue(GenerationRequest request, JobOwner owner);

    /// <summary>Running job first, then waiting jobs in the order they will run.</summary>
    IReadOnlyList<JobView> Snapshot();

    JobView? Get(Guid id);

    /// <summary>Cancels a waiting job or interrupts a running one; false when the job is not the user's or is finished.</summary>
    bool Cancel(Guid id, string userId);

    /// <summary>Skips the current image of the user's running job (A1111 "Skip").</summary>
    bool Skip(Guid id, string userId);

    /// <summary>Moves one of the user's waiting jobs earlier (delta &lt; 0) or later among that user's own jobs.</summary>
    bool Move(Guid id, string userId, int delta);

    /// <summary>Completes with the finished job's result (throws when it failed, OperationCanceledException when canceled).</summary>
    Task<JobOutcome> WaitAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>The running job's progress, or null when idle.</summary>
    JobProgressSnapshot? Current { get; }

    /// <summary>Latest preview of the running job as PNG bytes (for the API's current_image), or null.</summary>
    byte[]? CurrentPreviewPng { get; }

    event Action<QueueEvent>? Changed;
}

/// <summary>A finished job's pictures (saved files with infotext) and timings.</summary>
public sealed record JobOutcome(Guid JobId, GenerationResult Result, IReadOnlyList<string> SavedPaths);
