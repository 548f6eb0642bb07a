namespace WebUI.History;

/// <summary>The reconcile as the History tab shows it.</summary>
public sealed record ReconcileState(bool Running, ReconcileProgress? Progress, ReconcileReport? LastReport, string? LastError);

/// <summary>What the History tab, the endpoints and the CLI need from the history.</summary>
public interface IHistoryService
{
    /// <summary>Raised (on a background thread) when pictures were added, changed or removed, or the reconcile moved on.</summary>
    event Action? Changed;

    ReconcileState Reconcile { get; }

    /// <summary>
    /// False while the index is still loading at start-up (a few seconds for 100 000 pictures): the queries below would
    /// wait for it. <see cref="Changed"/> is raised when it becomes true.
    /// </summary>
    bool IsReady { get; }

    /// <summary>Items start..start+count of the query's result, newest first, and its total.</summary>
    HistoryPage Query(HistoryQuery query, int start, int count);

    /// <summary>Position of a picture in the query's result, or -1.</summary>
    int IndexOf(HistoryQuery query, int id);

    HistoryRecord? Get(int id);

    HistoryFacets Facets();

    bool SetFavourite(int id, bool favourite);

    bool SetTags(int id, IReadOnlyList<string> tags);

    /// <summary>Moves the picture to the recycle folder and drops it from the index; null when it is not indexed.</summary>
    RecycledItem? Delete(int id);

    /// <summary>Puts a deleted picture back (file, favourite, tags) and returns its new index entry.</summary>
    HistoryRecord Undo(string token);

    IReadOnlyList<RecycledItem> Recycled();

    /// <summary>Runs a reconcile, or joins the one already running.</summary>
    Task<ReconcileReport> ReconcileAsync(CancellationToken cancellationToken = default);

    /// <summary>The picture file of an entry when it may be served (inside the configured folders), else null.</summary>
    string? ServableFile(int id);

    /// <summary>The thumbnail file of an entry (made on first request), or null.</summary>
    Task<string?> ThumbnailFileAsync(int id, CancellationToken cancellationToken = default);

    string ThumbnailContentType { get; }
}

/// <summary>The history: index + catalog, recycle bin, reconcile, thumbnails.</summary>
public sealed class HistoryService : IHistoryService
{
    readonly HistoryStore _store;
    readonly HistoryReconciler _reconciler;
    readonly RecycleBin _recycle;
    readonly HistoryRoots _roots;
    readonly ILogger<HistoryService>? _logger;
    readonly object _gate = new();
    Task<ReconcileReport>? _running;
    ReconcileState _state = new(false, null, null, null);

    public HistoryService(HistoryStore store, HistoryReconciler reconciler, RecycleBin recycle, HistoryRoots roots, ILogger<HistoryService>? logger = null)
    {
        _store = store;
        _reconciler = reconciler;
        _recycle = recycle;
        _roots = roots;
        _logger = logger;
        _store.Changed += () => Changed?.Invoke();
    }

    public event Action? Changed;

    public ReconcileState Reconcile => Volatile.Read(ref _state);

    public bool IsReady => _store.IsOpen;

    public HistoryPage Query(HistoryQuery query, int start, int count) => _store.Catalog.Page(query, start, count);

    public int IndexOf(HistoryQuery query, int id) => _store.Catalog.IndexOf(query, id);

    public HistoryRecord? Get(int id) => _store.Get(id);

    public HistoryFacets Facets() => _store.Catalog.Facets();

    public bool SetFavourite(int id, bool favourite) => _store.SetFavourite(id, favourite);

    public bool SetTags(int id, IReadOnlyList<string> tags) => _store.SetTags(id, tags);

    public RecycledItem? Delete(int id)
    {
        var record = _store.Get(id);
        if (record is null) return null;
        string? file = _roots.Servable(record.Path);
        if (file is null)
        {
            // Already gone (or no longer inside a history folder): only the entry remains to drop.
            _store.Remove(id);
            return null;
        }
        var note = new RecycleNote(record.Path, DateTime.UtcNow, record.CreatedUtc, record.Favourite, record.Tags, record.User);
        var item = _recycle.Recycle(file, note);
        _store.Remove(id);
        _logger?.LogInformation("Deleted {Path} (undo token {Token})", record.Path, item.Token);
        return item;
    }

    public HistoryRecord Undo(string token)
    {
        var item = _recycle.Restore(token);
        var facts = ImageFileReader.Read(item.RecycledPath);
        string thumbnail = _store.Thumbnails.NameFor(item.RecycledPath, facts.Size, facts.ModifiedUtc.Ticks);
        var record = HistoryRecordFactory.Create(item.RecycledPath, facts, item.Note.CreatedUtc, kind: null, item.Note.User, thumbnail);
        record.Favourite = item.Note.Favourite;
        record.Tags = [.. item.Note.Tags];
        return _store.Add(record);
    }

    public IReadOnlyList<RecycledItem> Recycled() => _recycle.List();

    public Task<ReconcileReport> ReconcileAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_running is { IsCompleted: false }) return _running;
            SetState(new ReconcileState(true, null, Reconcile.LastReport, null));
            _running = Task.Run(() => RunReconcile(cancellationToken), CancellationToken.None);
            return _running;
        }
    }

    ReconcileReport RunReconcile(CancellationToken cancellationToken)
    {
        var lastLog = DateTime.UtcNow;
        var progress = new InlineProgress(p =>
        {
            SetState(Reconcile with { Progress = p });
            if (DateTime.UtcNow - lastLog > TimeSpan.FromSeconds(5))
            {
                lastLog = DateTime.UtcNow;
                _logger?.LogInformation("History reconcile: {Scanned} pictures scanned, {Added} added, {Skipped} skipped", p.Scanned, p.Added, p.Skipped);
            }
        });
        try
        {
            _logger?.LogInformation("History reconcile started ({Folders})", string.Join(", ", _roots.All()));
            var report = _reconciler.Run(progress, cancellationToken);
            _logger?.LogInformation("History reconcile finished: {Report}", report);
            SetState(new ReconcileState(false, null, report, null));
            return report;
        }
        catch (Exception e)
        {
            if (e is not OperationCanceledException) _logger?.LogError(e, "History reconcile failed");
            SetState(new ReconcileState(false, null, Reconcile.LastReport, e.Message));
            throw;
        }
    }

    void SetState(ReconcileState state)
    {
        Volatile.Write(ref _state, state);
        Changed?.Invoke();
    }

    public string? ServableFile(int id)
    {
        var record = _store.Get(id);
        return record is null ? null : _roots.Servable(record.Path);
    }

    public async Task<string?> ThumbnailFileAsync(int id, CancellationToken cancellationToken = default)
    {
        var record = _store.Get(id);
        if (record is null || _roots.Servable(record.Path) is null) return null;
        return await _store.Thumbnails.EnsureAsync(record, cancellationToken).ConfigureAwait(false);
    }

    public string ThumbnailContentType => _store.Thumbnails.ContentType;

    /// <summary>Reports on the reconciling thread (Progress&lt;T&gt; would post to the thread pool, out of order).</summary>
    sealed class InlineProgress(Action<ReconcileProgress> report) : IProgress<ReconcileProgress>
    {
        public void Report(ReconcileProgress value) => report(value);
    }
}
