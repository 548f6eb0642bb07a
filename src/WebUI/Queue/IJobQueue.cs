using WebUI.Diffusion.Pipelines;

namespace WebUI.Queue;

/// <summary>Who asked for a job: a browser (stable cookie id + editable display name), an API client or the CLI.</summary>
public sealed record JobOwner(string UserId, string DisplayName, JobSource Source);

public enum JobSource { Ui, Api, Cli }

public enum JobState { Queued, Running, Done, Failed, Canceled }

/// <summary>
/// Progress of the running job. <see cref="Batch"/> is the 1-based batch iteration running, <see cref="Step"/> the
/// sampler steps done in it (0 before the first); <see cref="Fraction"/> covers the whole job (all batches), 0..1;
/// <see cref="Eta"/> comes from the measured step rate (null until two steps were timed).
/// </summary>
public sealed record JobProgressSnapshot(
    Guid JobId, int Batch, int BatchCount, int Step, int Steps, double Fraction, TimeSpan Elapsed, TimeSpan? Eta);

/// <summary>A job as everyone sees it in the queue.</summary>
/// <remarks><see cref="Position"/>: 0 for the running job, 1.. for waiting jobs in run order, -1 once finished.</remarks>
public sealed record JobView(
    Guid Id, JobOwner Owner, GenerationRequest Request, JobState State, DateTime CreatedUtc, int Position,
    JobProgressSnapshot? Progress, string? Error)
{
    /// <summary>Files the job saved (also those finished before an interrupt); empty while it runs or when nothing was saved.</summary>
    public IReadOnlyList<string> SavedPaths { get; init; } = [];

    public DateTime? StartedUtc { get; init; }
    public DateTime? FinishedUtc { get; init; }

    /// <summary>True when a running job was canceled (A1111 "Interrupt"); <see cref="SavedPaths"/> holds what it finished.</summary>
    public bool Interrupted { get; init; }
}

/// <summary>How a job is run besides its request.</summary>
public sealed record JobOptions
{
    public static JobOptions Default { get; } = new();

    /// <summary>Save the pictures under outputs/ (A1111 API's save_images defaults to false; the UI always saves).</summary>
    public bool SaveImages { get; init; } = true;
}

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

    /// <summary>As <see cref="Enqueue(GenerationRequest, JobOwner)"/> with options (e.g. not saving the pictures).</summary>
    JobView Enqueue(GenerationRequest request, JobOwner owner, JobOptions options);

    /// <summary>Running job first, then waiting jobs in the order they will run.</summary>
    IReadOnlyList<JobView> Snapshot();

    JobView? Get(Guid id);

    /// <summary>Cancels a waiting job or interrupts a running one; false when the job is not the user's or is finished.</summary>
    bool Cancel(Guid id, string userId);

    /// <summary>Skips the current image of the user's running job (A1111 "Skip").</summary>
    bool Skip(Guid id, string userId);

    /// <summary>Moves one of the user's waiting jobs earlier (delta &lt; 0) or later among that user's own jobs.</summary>
    bool Move(Guid id, string userId, int delta);

    /// <summary>
    /// Completes with the finished job's result (throws InvalidOperationException with the reason when it failed,
    /// OperationCanceledException when canceled before it finished a picture). An interrupted job that had finished
    /// pictures completes normally with <see cref="JobOutcome.Interrupted"/> set, as A1111 keeps those pictures.
    /// </summary>
    Task<JobOutcome> WaitAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>The running job's progress, or null when idle.</summary>
    JobProgressSnapshot? Current { get; }

    /// <summary>Latest preview of the running job as PNG bytes (for the API's current_image), or null.</summary>
    byte[]? CurrentPreviewPng { get; }

    /// <summary>
    /// The running job's latest live-preview frame (see <see cref="Previews.PreviewFrame"/>), or null. Raised with
    /// each "preview" event; the frame's buffer is recycled a few frames later, so send or copy it right away.
    /// </summary>
    Previews.PreviewFrame? CurrentPreview { get; }

    event Action<QueueEvent>? Changed;
}

/// <summary>A finished job's pictures (saved files with infotext) and timings.</summary>
public sealed record JobOutcome(Guid JobId, GenerationResult Result, IReadOnlyList<string> SavedPaths)
{
    /// <summary>The job was interrupted; <see cref="Result"/> holds only the pictures finished before that.</summary>
    public bool Interrupted { get; init; }
}
