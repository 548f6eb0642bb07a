using WebUI.Diffusion.Pipelines;

namespace WebUI.Queue;

/// <summary>A job inside the queue: its stored document plus what only lives while the process runs.</summary>
internal sealed class JobEntry
{
    public JobEntry(JobDocument doc, JobOwner owner, GenerationRequest request, JobOptions options)
    {
        Doc = doc;
        Owner = owner;
        Request = request;
        Options = options;
        ProgressEvent = new QueueEvent("progress", doc.Id);
        PreviewEvent = new QueueEvent("preview", doc.Id);
    }

    public JobDocument Doc { get; }
    public JobOwner Owner { get; }
    public GenerationRequest Request { get; set; }
    public JobOptions Options { get; }
    /// <summary>Completed when the job ends; null for records restored finished, or whose pictures were dropped from memory.</summary>
    public TaskCompletionSource<JobOutcome>? Completion { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public CancellationTokenSource? Cancellation { get; set; }
    public GenerationControl? Control { get; set; }
    public ProgressClock? Clock { get; set; }
    public JobProgressSnapshot? Progress { get; set; }
    public bool CancelRequested { get; set; }
    // Made once per job: progress and preview events fire at every step.
    public QueueEvent ProgressEvent { get; }
    public QueueEvent PreviewEvent { get; }
}
