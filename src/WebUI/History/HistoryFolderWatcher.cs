using System.Threading.Channels;

namespace WebUI.History;

/// <summary>
/// Keeps the index current while the server runs: pictures written by `webui generate`, copied in or deleted in a file
/// manager are picked up within a second. Events are collected until the folders are quiet for a moment (a copy
/// raises many), then each touched file is refreshed; a folder rename or a lost event buffer triggers a reconcile.
/// </summary>
public sealed class HistoryFolderWatcher(HistoryRoots roots, HistoryReconciler reconciler, IHistoryService history, ILogger<HistoryFolderWatcher> logger) : IDisposable
{
    static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);
    readonly Channel<string?> _changes = Channel.CreateUnbounded<string?>(new UnboundedChannelOptions { SingleReader = true });
    readonly List<FileSystemWatcher> _watchers = [];
    CancellationTokenSource? _stop;
    Task? _loop;
    int _disposed;

    public void Start()
    {
        foreach (string root in roots.All())
        {
            if (!Directory.Exists(root)) continue;
            try
            {
                var watcher = new FileSystemWatcher(root)
                {
                    IncludeSubdirectories = true,
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
                };
                watcher.Created += (_, e) => _changes.Writer.TryWrite(e.FullPath);
                watcher.Changed += (_, e) => _changes.Writer.TryWrite(e.FullPath);
                watcher.Deleted += (_, e) => _changes.Writer.TryWrite(e.FullPath);
                watcher.Renamed += (_, e) =>
                {
                    _changes.Writer.TryWrite(e.OldFullPath);
                    _changes.Writer.TryWrite(e.FullPath);
                };
                watcher.Error += (_, e) =>
                {
                    logger.LogWarning(e.GetException(), "Folder watcher lost events under {Root}; reconciling", root);
                    _changes.Writer.TryWrite(null);
                };
                watcher.EnableRaisingEvents = true;
                _watchers.Add(watcher);
            }
            catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException)
            {
                // Typically the inotify watch limit; the history still works, it just needs a manual reconcile.
                logger.LogWarning(e, "Cannot watch {Root} for new pictures", root);
            }
        }
        _stop = new CancellationTokenSource();
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    async Task RunAsync(CancellationToken stop)
    {
        var pending = new HashSet<string>();
        try
        {
            while (await _changes.Reader.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                bool reconcile = false;
                // Gather until nothing new arrives for a moment.
                do
                {
                    while (_changes.Reader.TryRead(out string? path))
                    {
                        if (path is null) reconcile = true;
                        else pending.Add(path);
                    }
                    await Task.Delay(Quiet, stop).ConfigureAwait(false);
                }
                while (_changes.Reader.TryPeek(out _));

                foreach (string path in pending)
                {
                    if (!ImageFileReader.HasImageExtension(path))
                    {
                        // A folder moved in brings files that raise no events of their own, and one moved away or deleted
                        // takes its entries with it: a reconcile is the simple answer. Other files (.txt, .tmp) do not matter.
                        string name = Path.GetFileName(path);
                        if (Directory.Exists(path) || (!name.StartsWith('.') && Path.GetExtension(name).Length == 0)) reconcile = true;
                        continue;
                    }
                    try
                    {
                        reconciler.Refresh(path);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        logger.LogWarning(e, "Could not index {Path}", path);
                    }
                }
                pending.Clear();
                if (reconcile) await history.ReconcileAsync(stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    public void Dispose()
    {
        // Called by the start-up service when the host stops and again by the container.
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _stop?.Cancel();
        foreach (var w in _watchers) w.Dispose();
        _watchers.Clear();
        try
        {
            _loop?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
        _stop?.Dispose();
    }
}
