using WebUI.Diffusion.Pipelines;
using WebUI.Previews;

namespace WebUI.Queue;

/// <summary>
/// The one worker that owns the engine: takes the next job from <see cref="JobQueue"/> (fair order), runs it on its
/// own thread, reports progress and live previews at each sampler step, and records the outcome. A host shutdown
/// interrupts the running job but leaves it "running" in the database, so the next start runs it again.
/// </summary>
public sealed class QueueWorker(JobQueue queue, IJobRunner runner, PreviewPublisher previews, PreviewSettingsProvider previewSettings,
    ILogger<QueueWorker>? log = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The engine blocks for seconds per step: keep it off the thread pool's request threads.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            JobEntry job;
            try { job = await queue.TakeNextAsync(stoppingToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { break; }
            await Task.Factory.StartNew(() => RunOne(job, stoppingToken), CancellationToken.None,
                TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    /// <summary>Runs one job to its end; never throws (the outcome goes to the queue).</summary>
    internal void RunOne(JobEntry job, CancellationToken stoppingToken)
    {
        var jobCancellation = job.Cancellation!;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(jobCancellation.Token, stoppingToken);
        var control = job.Control!;
        previews.BeginJob(job.Doc.Id, SafePreviewMatrix(job.Request));
        Func<float[], int, int, int, float[]?> decodeFull = runner.DecodeLatent;
        // Looked up once per job (a file check); the method itself may change between steps from the Settings tab.
        Func<float[], int, int, int, float[]?>? decodeTaesd = SafeHasTaesd(job.Request) ? runner.DecodeTaesd : null;
        void OnProgress(GenerationProgress p)
        {
            queue.ReportProgress(job, p);
            if (previews.OnStep(p, previewSettings.Current, decodeFull, decodeTaesd) is not null) queue.ReportPreview(job);
        }

        JobRunResult? result = null;
        Exception? error = null;
        try
        {
            result = runner.Run(job.Request, job.Options with { User = job.Owner.DisplayName }, control, OnProgress, linked.Token);
        }
        catch (Exception e)
        {
            error = e;
            if (e is not OperationCanceledException) log?.LogError(e, "Job {Id} failed", job.Doc.Id);
        }
        previews.EndJob();
        bool stoppedByHost = stoppingToken.IsCancellationRequested && !queue.IsCancelRequested(job)
            && (error is OperationCanceledException || result is { Interrupted: true });
        if (stoppedByHost)
        {
            log?.LogInformation("Host stopping: job {Id} will run again from the beginning at the next start", job.Doc.Id);
            queue.Abandon(job);
            return;
        }
        queue.Complete(job, result, error);
    }

    bool SafeHasTaesd(GenerationRequest request)
    {
        try { return runner.HasTaesd(request); }
        catch (Exception e)
        {
            log?.LogDebug(e, "No TAESD preview for {Model}", request.Model);
            return false;
        }
    }

    PreviewMatrix? SafePreviewMatrix(GenerationRequest request)
    {
        try { return runner.PreviewMatrixFor(request); }
        catch (Exception e)
        {
            // Previews are a nicety: the job itself reports a broken model properly.
            log?.LogDebug(e, "No preview matrix for {Model}", request.Model);
            return null;
        }
    }
}
