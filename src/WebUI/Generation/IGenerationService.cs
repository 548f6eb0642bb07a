using WebUI.Diffusion.Pipelines;

namespace WebUI.Generation;

/// <summary>
/// What the UI needs from the engine. The one production implementation is <see cref="GenerationService"/>;
/// the page depends on this interface so it can be tested without running models.
/// </summary>
public interface IGenerationService
{
    /// <summary>Checkpoints found under models/Stable-diffusion, demo first when present.</summary>
    IReadOnlyList<CheckpointInfo> ListCheckpoints();

    /// <summary>True while a job holds the worker (others wait for it).</summary>
    bool IsBusy { get; }

    /// <summary>
    /// Runs one job on the single worker (callers queue behind a running job), saves the pictures under outputs/
    /// and returns them. Cancelling the token interrupts the job within one UNet call.
    /// </summary>
    Task<GenerationOutcome> GenerateAsync(GenerationRequest request, Action<JobProgress>? progress = null, CancellationToken cancellationToken = default);
}

/// <summary>A checkpoint as the dropdown shows it: A1111 titles are "name [shorthash]".</summary>
public sealed record CheckpointInfo(string Name, string? Hash)
{
    public string Title => string.IsNullOrEmpty(Hash) ? Name : $"{Name} [{Hash}]";
}

/// <summary>Where a job is: batch and step are 1-based counts of what is running / done.</summary>
public readonly record struct JobProgress(int Batch, int BatchCount, int Step, int Steps)
{
    /// <summary>Fraction of the whole job, 0..1.</summary>
    public double Fraction => BatchCount <= 0 || Steps <= 0 ? 0 : ((Batch - 1) + Step / (double)Steps) / BatchCount;
}

/// <summary>One saved picture. <see cref="Url"/> is the path under which the web host serves it (null when not under outputs).</summary>
public sealed record SavedPicture(string FilePath, string? Url, long Seed, int Width, int Height, string Infotext);

public sealed record GenerationOutcome(IReadOnlyList<SavedPicture> Pictures, PipelineTimings Timings, TimeSpan Elapsed);
