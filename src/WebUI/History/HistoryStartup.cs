namespace WebUI.History;

/// <summary>
/// At server start, in the background (the page is usable at once): loads the index, reconciles it with the folders
/// (always when it has to be rebuilt, otherwise when History:ReconcileOnStart is on), then watches the folders.
/// </summary>
sealed class HistoryStartup(HistoryStore store, IHistoryService history, HistoryOptions options, HistoryFolderWatcher watcher,
    ILogger<HistoryStartup> logger) : IHostedService
{
    readonly CancellationTokenSource _stop = new();
    Task? _work;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _work = Task.Run(async () =>
        {
            try
            {
                store.EnsureOpen();
                logger.LogInformation("History index: {Count} pictures", store.Count);
                if (store.NeedsRebuild || options.ReconcileOnStart) await history.ReconcileAsync(_stop.Token);
                if (options.WatchFolders) watcher.Start();
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                logger.LogError(e, "History start-up failed; use Reconcile in the History tab to retry");
            }
        });
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stop.Cancel();
        if (_work is not null) await Task.WhenAny(_work, Task.Delay(TimeSpan.FromSeconds(5), cancellationToken));
        watcher.Dispose();
    }
}
