using WebUI.Hosting;
using WebUI.Storage;

namespace WebUI.History;

/// <summary>
/// The history's parts wired by hand, for processes without the web host (CLI verbs, the bench, tests). Owns the
/// database it opens: only one process may hold it (see <see cref="AppDatabase"/>).
/// </summary>
public sealed class HistoryHost : IDisposable
{
    HistoryHost(WebUISettings settings, WebUIPaths paths, AppDatabase database, ILoggerFactory? loggers)
    {
        Settings = settings;
        Paths = paths;
        Database = database;
        Roots = new HistoryRoots(paths, settings.Saving, settings.History);
        Thumbnails = new ThumbnailCache(HistoryServiceCollectionExtensions.ThumbnailDirectory(paths), settings.History);
        Recycle = new RecycleBin(paths.OutputsDir);
        Store = new HistoryStore(database, Thumbnails, loggers?.CreateLogger<HistoryStore>());
        Reconciler = new HistoryReconciler(Store, Roots, Recycle, settings.History, loggers?.CreateLogger<HistoryReconciler>());
        Service = new HistoryService(Store, Reconciler, Recycle, Roots, loggers?.CreateLogger<HistoryService>());
        Saver = new ImageSaver(paths, settings.Saving, Store, loggers?.CreateLogger<ImageSaver>());
    }

    /// <summary>Opens &lt;data&gt;/webui.db (or <paramref name="databasePath"/>).</summary>
    public static HistoryHost Open(WebUISettings settings, WebUIPaths paths, ILoggerFactory? loggers = null, string? databasePath = null) =>
        new(settings, paths, databasePath is null ? AppDatabase.OpenIn(paths.DataDir) : new AppDatabase(databasePath), loggers);

    public WebUISettings Settings { get; }
    public WebUIPaths Paths { get; }
    public AppDatabase Database { get; }
    public HistoryRoots Roots { get; }
    public ThumbnailCache Thumbnails { get; }
    public RecycleBin Recycle { get; }
    public HistoryStore Store { get; }
    public HistoryReconciler Reconciler { get; }
    public HistoryService Service { get; }

    /// <summary>A saver that records into this index.</summary>
    public ImageSaver Saver { get; }

    public void Dispose() => Database.Dispose();
}
