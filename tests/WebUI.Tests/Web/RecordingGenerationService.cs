using WebUI.Diffusion.Pipelines;
using WebUI.Generation;

namespace WebUI.Tests.Web;

/// <summary>
/// Test double of the host's own service interface (not of a model): records what the page asks for and
/// lets a test decide when the job ends and what progress it reports.
/// </summary>
sealed class RecordingGenerationService : IGenerationService
{
    public List<GenerationRequest> Requests { get; } = [];
    public TaskCompletionSource<GenerationOutcome>? Pending { get; private set; }
    public Action<JobProgress>? LastProgress { get; private set; }
    public CancellationToken LastToken { get; private set; }
    public bool HoldJobs { get; set; }
    public Exception? Failure { get; set; }

    public IReadOnlyList<CheckpointInfo> Checkpoints { get; set; } = [new("demo", "0123456789"), new("other", null)];

    public IReadOnlyList<CheckpointInfo> ListCheckpoints() => Checkpoints;

    public bool IsBusy => Pending is { Task.IsCompleted: false };

    public Task<GenerationOutcome> GenerateAsync(GenerationRequest request, Action<JobProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        Requests.Add(request);
        LastProgress = progress;
        LastToken = cancellationToken;
        if (Failure is not null) return Task.FromException<GenerationOutcome>(Failure);
        if (!HoldJobs) return Task.FromResult(OutcomeFor(request, seed: 1234));
        Pending = new TaskCompletionSource<GenerationOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        cancellationToken.Register(() => Pending.TrySetCanceled(cancellationToken));
        return Pending.Task;
    }

    public static GenerationOutcome OutcomeFor(GenerationRequest request, long seed)
    {
        string infotext = $"{request.Prompt}\nSteps: {request.Steps}, Sampler: {request.Sampler}, Seed: {seed}, Size: {request.Width}x{request.Height}, Model: {request.Model}";
        var picture = new SavedPicture($"/tmp/{seed}.png", $"/outputs/txt2img-images/2024-01-02/00000-{seed}.png", seed, request.Width, request.Height, infotext);
        return new GenerationOutcome([picture], new PipelineTimings(1, 0.5, 0.1, 0.1, request.Steps), TimeSpan.FromSeconds(1.25));
    }
}
