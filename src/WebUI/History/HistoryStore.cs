using LiteDB;
using WebUI.Storage;

namespace WebUI.History;

/// <summary>Where a picture file was when it was indexed.</summary>
public readonly record struct IndexedFile(int Id, string Path, long Size, long FileTimeTicks, string Thumbnail);

/// <summary>
/// The history index: LiteDB collection <c>history_images</c> in the app's one database (indexes on Path (unique),
/// CreatedUtc, Model and Favourite) plus its in-memory <see cref="HistoryCatalog"/>, which every write keeps in step and
/// which holds the prompt word index. (LiteDB multikey indexes on word arrays were measured: 5x slower inserts, a 50%
/// larger file, and still ~500 ms for a common word at 100k pictures; see the history bench.) A missing, outdated or unreadable collection is dropped and reported through
/// <see cref="NeedsRebuild"/>; the reconciler then refills it from the files.
/// </summary>
public sealed class HistoryStore : ISavedImageSink
{
    public const string CollectionName = "history_images";
    const string MetaCollectionName = "history_meta";
    const int SchemaVersion = 1;

    readonly LiteDatabase _db;
    readonly ThumbnailCache _thumbnails;
    readonly ILogger? _logger;
    readonly HistoryCatalog _catalog = new();
    readonly object _gate = new();
    ILiteCollection<HistoryRecord> _images = default!;
    bool _open;

    public HistoryStore(AppDatabase database, ThumbnailCache thumbnails, ILogger<HistoryStore>? logger = null)
    {
        _db = database.Db;
        _thumbnails = thumbnails;
        _logger = logger;
    }

    /// <summary>Raised after any change of the index (from the thread that made it).</summary>
    public event Action? Changed;

    public ThumbnailCache Thumbnails => _thumbnails;

    /// <summary>True when the collection was missing, outdated or corrupt at open: everything must be re-read from the files.</summary>
    public bool NeedsRebuild { get; private set; }

    public HistoryCatalog Catalog
    {
        get
        {
            EnsureOpen();
            return _catalog;
        }
    }

    /// <summary>True once the catalog is loaded (the History tab shows "loading" until then instead of waiting).</summary>
    public bool IsOpen => Volatile.Read(ref _open);

    /// <summary>Opens the collection and loads the catalog (once; later calls return at once).</summary>
    public void EnsureOpen()
    {
        if (Volatile.Read(ref _open)) return;
        lock (_gate)
        {
            if (_open) return;
            OpenLocked();
        }
        Changed?.Invoke();
    }

    void OpenLocked()
    {
        try
        {
            OpenCollection();
            _catalog.Load(ReadRows());
        }
        // Whatever a damaged file makes LiteDB or the mapper throw; not I/O trouble, which a rebuild would not cure.
        catch (Exception e) when (e is not (OutOfMemoryException or IOException or UnauthorizedAccessException))
        {
            _logger?.LogWarning(e, "The history index is unreadable; it will be rebuilt from the picture files");
            Reset();
        }
        Volatile.Write(ref _open, true);
    }

    void OpenCollection()
    {
        var meta = _db.GetCollection(MetaCollectionName);
        var schema = meta.FindById("schema");
        bool exists = _db.CollectionExists(CollectionName);
        if (!exists || schema is null || schema["Version"].AsInt32 != SchemaVersion)
        {
            if (exists) _db.DropCollection(CollectionName);
            NeedsRebuild = true;
            meta.Upsert(new BsonDocument { ["_id"] = "schema", ["Version"] = SchemaVersion });
        }
        _images = _db.GetCollection<HistoryRecord>(CollectionName, BsonAutoId.Int32);
        _images.EnsureIndex(x => x.Path, unique: true);
        _images.EnsureIndex(x => x.CreatedUtc);
        _images.EnsureIndex(x => x.Model);
        _images.EnsureIndex(x => x.Favourite);
    }

    /// <summary>Drops the collection (a corrupt one included) and starts empty.</summary>
    void Reset()
    {
        try
        {
            _db.DropCollection(CollectionName);
        }
        catch (LiteException e)
        {
            _logger?.LogWarning(e, "Dropping the history collection failed");
        }
        _db.GetCollection(MetaCollectionName).Delete("schema");
        OpenCollection();
        _catalog.Load([]);
        NeedsRebuild = true;
    }

    /// <summary>Called by the reconciler once a rebuild has read every file.</summary>
    public void MarkRebuilt() => NeedsRebuild = false;

    // LiteDB deserializes only the fields a query names: leaving out the infotext and parameters halves the load time.
    const string CatalogFields = "{ _id, CreatedUtc, Model, Sampler, Width, Height, User, Kind, Favourite, Prompt, NegativePrompt }";
    const string FileFields = "{ _id, Path, FileSize, FileTimeTicks, Thumbnail }";

    IEnumerable<CatalogRow> ReadRows()
    {
        foreach (var doc in _db.GetCollection(CollectionName).Query().Select(CatalogFields).ToEnumerable())
        {
            yield return new CatalogRow(
                doc["_id"].AsInt32,
                doc["CreatedUtc"].AsDateTime.ToUniversalTime().Ticks,
                doc["Model"].AsString ?? "",
                doc["Sampler"].AsString ?? "",
                doc["Width"].AsInt32,
                doc["Height"].AsInt32,
                doc["User"].AsString ?? "",
                doc["Kind"].AsString ?? ImageKinds.Other,
                doc["Favourite"].AsBoolean,
                PromptWords.Of(doc["Prompt"].AsString),
                PromptWords.Of(doc["NegativePrompt"].AsString));
        }
    }

    public int Count => Catalog.Count;

    public HistoryRecord? Get(int id)
    {
        EnsureOpen();
        return _images.FindById(id);
    }

    public HistoryRecord? FindByPath(string path)
    {
        EnsureOpen();
        return _images.FindOne(x => x.Path == path);
    }

    /// <summary>
    /// Adds a picture; when its path is already indexed the entry is refreshed from <paramref name="record"/> but keeps
    /// its id, favourite mark, tags and user.
    /// </summary>
    public HistoryRecord Add(HistoryRecord record)
    {
        EnsureOpen();
        lock (_gate)
        {
            var existing = _images.FindOne(x => x.Path == record.Path);
            if (existing is null)
            {
                record.Id = 0;
                _images.Insert(record);
            }
            else
            {
                KeepUserData(existing, record);
                _images.Update(record);
            }
            _catalog.Upsert(HistoryRecordFactory.ToRow(record));
        }
        Changed?.Invoke();
        return record;
    }

    /// <summary>Bulk insert of new pictures (reconcile) and refresh of changed ones.</summary>
    public void Apply(IReadOnlyList<HistoryRecord> added, IReadOnlyList<HistoryRecord> updated, IReadOnlyCollection<int> removed)
    {
        if (added.Count + updated.Count + removed.Count == 0) return;
        EnsureOpen();
        lock (_gate)
        {
            if (removed.Count > 0)
            {
                foreach (int id in removed) _images.Delete(id);
                foreach (int id in removed) _catalog.Remove(id);
            }
            foreach (var record in updated)
            {
                var existing = _images.FindById(record.Id);
                if (existing is not null) KeepUserData(existing, record);
                _images.Upsert(record);
                _catalog.Upsert(HistoryRecordFactory.ToRow(record));
            }
            if (added.Count > 0)
            {
                // A picture saved while the reconcile was reading the folders is already in (the saver added it).
                var fresh = added.Where(r => _images.FindOne(x => x.Path == r.Path) is null).ToList();
                foreach (var r in fresh) r.Id = 0;
                _images.InsertBulk(fresh);
                _catalog.UpsertMany(fresh.Select(HistoryRecordFactory.ToRow));
            }
        }
        Changed?.Invoke();
    }

    static void KeepUserData(HistoryRecord existing, HistoryRecord fresh)
    {
        fresh.Id = existing.Id;
        fresh.Favourite = existing.Favourite;
        fresh.Tags = existing.Tags;
        if (fresh.User.Length == 0) fresh.User = existing.User;
    }

    public bool Remove(int id)
    {
        EnsureOpen();
        bool removed;
        lock (_gate)
        {
            removed = _images.Delete(id);
            _catalog.Remove(id);
        }
        if (removed) Changed?.Invoke();
        return removed;
    }

    public bool SetFavourite(int id, bool favourite)
    {
        EnsureOpen();
        lock (_gate)
        {
            var record = _images.FindById(id);
            if (record is null) return false;
            record.Favourite = favourite;
            _images.Update(record);
            _catalog.SetFavourite(id, favourite);
        }
        Changed?.Invoke();
        return true;
    }

    /// <summary>Replaces the tags (trimmed, lower-case, unique, empty ones dropped).</summary>
    public bool SetTags(int id, IEnumerable<string> tags)
    {
        EnsureOpen();
        lock (_gate)
        {
            var record = _images.FindById(id);
            if (record is null) return false;
            record.Tags = [.. tags.Select(t => t.Trim().ToLowerInvariant()).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal)];
            _images.Update(record);
        }
        Changed?.Invoke();
        return true;
    }

    /// <summary>Path, size, time and thumbnail of every indexed picture (what reconcile compares with the folders).</summary>
    public List<IndexedFile> IndexedFiles()
    {
        EnsureOpen();
        var result = new List<IndexedFile>(_catalog.Count);
        foreach (var doc in _db.GetCollection(CollectionName).Query().Select(FileFields).ToEnumerable())
            result.Add(new IndexedFile(doc["_id"].AsInt32, doc["Path"].AsString, doc["FileSize"].AsInt64, doc["FileTimeTicks"].AsInt64,
                doc["Thumbnail"].AsString ?? ""));
        return result;
    }

    /// <summary>
    /// The same filter as <see cref="HistoryCatalog.Page"/>, answered from LiteDB without loading the catalog (the CLI: a
    /// process that lists 20 pictures should not read 100 000): the CreatedUtc index is walked newest first with the
    /// field filters, and the prompt words are checked per picture until <paramref name="limit"/> are found.
    /// </summary>
    public List<HistoryRecord> QueryDatabase(HistoryQuery query, int limit)
    {
        lock (_gate)
        {
            if (!_open) OpenCollection();
        }
        var q = _images.Query();
        if (!string.IsNullOrEmpty(query.Model)) q = q.Where(x => x.Model == query.Model);
        if (!string.IsNullOrEmpty(query.Sampler)) q = q.Where(x => x.Sampler == query.Sampler);
        if (!string.IsNullOrEmpty(query.User)) q = q.Where(x => x.User == query.User);
        if (query.FavouritesOnly) q = q.Where(x => x.Favourite);
        if (query.FromUtc is DateTime from) q = q.Where(x => x.CreatedUtc >= from);
        if (query.ToUtc is DateTime to) q = q.Where(x => x.CreatedUtc < to);
        if (!string.IsNullOrEmpty(query.Kind)) q = q.Where(x => x.Kind == query.Kind);
        else if (!query.IncludeGrids) q = q.Where(x => x.Kind != ImageKinds.Grid);
        if (!string.IsNullOrEmpty(query.Size) && TryParseSize(query.Size, out int w, out int h)) q = q.Where(x => x.Width == w && x.Height == h);
        var terms = SearchTerms.Parse(query.Text);
        var ordered = q.OrderByDescending(x => x.CreatedUtc).ToEnumerable();
        return [.. (terms.Count == 0 ? ordered : ordered.Where(r => Matches(r, terms, query.Scope))).Take(limit)];
    }

    static bool Matches(HistoryRecord r, IReadOnlyList<(string Word, bool Exact)> terms, SearchScope scope)
    {
        string[] words = scope == SearchScope.NegativePrompt ? [] : PromptWords.Of(r.Prompt);
        string[] negative = scope == SearchScope.Prompt ? [] : PromptWords.Of(r.NegativePrompt);
        bool Has(string[] list, string word, bool exact) =>
            list.Any(w => exact ? w == word : w.StartsWith(word, StringComparison.Ordinal));
        return terms.All(t => Has(words, t.Word, t.Exact) || Has(negative, t.Word, t.Exact));
    }

    static bool TryParseSize(string size, out int width, out int height)
    {
        width = height = 0;
        string[] parts = size.Split('x');
        return parts.Length == 2 && int.TryParse(parts[0], out width) && int.TryParse(parts[1], out height);
    }

    /// <summary>Indexes a picture the saver just wrote, with its thumbnail from the pixels at hand.</summary>
    void ISavedImageSink.OnSaved(SavedImage image)
    {
        var info = new FileInfo(image.Path);
        var facts = new ImageFileFacts(image.Format, image.Width, image.Height, image.Infotext, info.Length, info.LastWriteTimeUtc);
        string thumbnail = _thumbnails.NameFor(image.Path, facts.Size, facts.ModifiedUtc.Ticks);
        _thumbnails.Create(thumbnail, image.Pixels);
        Add(HistoryRecordFactory.Create(image.Path, facts, image.CreatedUtc, image.Kind, image.User, thumbnail));
    }
}
