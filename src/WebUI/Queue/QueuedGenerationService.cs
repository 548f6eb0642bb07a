using WebUI.Diffusion.Pipelines;
using WebUI.Generation;
using WebUI.Users;

namespace WebUI.Queue;

/// <summary>
/// <see cref="IGenerationService"/> for the web host (scoped per circuit): the page's Generate enqueues a job for the
/// circuit's user and waits for it, its progress callback follows that job, and cancelling interrupts it. So the
/// page, the API and every other browser share the one queue and worker.
/// </summary>
public sealed class QueuedGenerationService(IJobQueue queue, GenerationService engine, CurrentUser user) : IGenerationService
{
    public IReadOnlyList<CheckpointInfo> ListCheckpoints() => engine.ListCheckpoints();

    public bool IsBusy => queue.Current is not null;

    public async Task<GenerationOutcome> GenerateAsync(GenerationRequest request, Action<JobProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var owner = user.Owner(JobSource.Ui);
        var job = queue.Enqueue(request, owner);
        void OnChanged(QueueEvent e)
        {
            if (e.JobId == job.Id && e.Kind == "progress" && queue.Current is { } p && p.JobId == job.Id)
                progress!(new JobProgress(p.Batch, p.BatchCount, p.Step, p.Steps));
        }
        if (progress is not null) queue.Changed += OnChanged;
        try
        {
            using var interrupt = cancellationToken.Register(() => queue.Cancel(job.Id, owner.UserId));
            var outcome = await queue.WaitAsync(job.Id, CancellationToken.None).ConfigureAwait(false);
            return ToOutcome(outcome);
        }
        finally
        {
            if (progress is not null) queue.Changed -= OnChanged;
        }
    }

    GenerationOutcome ToOutcome(JobOutcome outcome)
    {
        var images = outcome.Result.Images;
        var pictures = new List<SavedPicture>(images.Count);
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i];
            string path = i < outcome.SavedPaths.Count ? outcome.SavedPaths[i] : "";
            string? url = path.Length > 0 ? OutputUrls.For(engine.Paths, path) : null;
            pictures.Add(new SavedPicture(path, url, image.Seed, image.Width, image.Height, image.Infotext));
        }
        var timings = outcome.Result.Timings;
        return new GenerationOutcome(pictures, timings, TimeSpan.FromSeconds(timings.TotalSeconds));
    }
}
