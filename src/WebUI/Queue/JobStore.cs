using System.Text.Json;
using JsonSerializer = System.Text.Json.JsonSerializer;
using LiteDB;
using WebUI.Diffusion.Pipelines;
using WebUI.Storage;

namespace WebUI.Queue;

/// <summary>
/// A job as stored in LiteDB (collection "queue_jobs"). The request itself — with its init image, which can be
/// larger than a LiteDB document may be — lives in the database's file storage beside it (see <see cref="JobStore"/>).
/// </summary>
public sealed class JobDocument
{
    public Guid Id { get; set; }
    public string UserId { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public JobSource Source { get; set; }
    public bool SaveImages { get; set; } = true;
    public DateTime CreatedUtc { get; set; }
    public DateTime? StartedUtc { get; set; }
    public DateTime? FinishedUtc { get; set; }
    /// <summary>Global arrival order (ties in fairness are broken by it).</summary>
    public long Sequence { get; set; }
    /// <summary>Order among the same user's waiting jobs (FIFO unless the user moved one).</summary>
    public long UserOrder { get; set; }
    public JobState State { get; set; }
    public bool Interrupted { get; set; }
    public string? Error { get; set; }
    public List<string> SavedPaths { get; set; } = [];
}

/// <summary>
/// Persistence of the queue in the app's one LiteDB (<see cref="AppDatabase"/>): waiting and running jobs survive a
/// restart; finished jobs keep a short record (outcome paths, error) until pruned. Requests are stored as JSON files
/// in LiteDB's file storage ("$queue/&lt;id&gt;.json"), so an init image of any size fits.
/// </summary>
public sealed class JobStore
{
    public const string CollectionName = "queue_jobs";
    const string FilePrefix = "$queue/";
    static readonly JsonSerializerOptions Json = new() { WriteIndented = false };
    readonly ILiteCollection<JobDocument> _jobs;
    readonly ILiteStorage<string> _files;

    public JobStore(AppDatabase database)
    {
        _jobs = database.Db.GetCollection<JobDocument>(CollectionName);
        _jobs.EnsureIndex(x => x.State);
        _files = database.Db.FileStorage;
    }

    static string FileId(Guid id) => FilePrefix + id.ToString("N") + ".json";

    /// <summary>Stores a new job: its request first, then the document that points to it.</summary>
    public void Insert(JobDocument doc, GenerationRequest request)
    {
        SaveRequest(doc.Id, request);
        _jobs.Upsert(doc);
    }

    /// <summary>Replaces the stored request (a finished job drops its init image).</summary>
    public void SaveRequest(Guid id, GenerationRequest request)
    {
        using var stream = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(request, Json));
        _files.Upload(FileId(id), FileId(id), stream);
    }

    /// <summary>The stored request; throws InvalidDataException when it is missing or no longer reads as a request.</summary>
    public GenerationRequest LoadRequest(Guid id)
    {
        using var stream = new MemoryStream();
        if (!_files.Exists(FileId(id))) throw new InvalidDataException($"Stored job {id} has no request.");
        _files.Download(FileId(id), stream);
        try
        {
            return JsonSerializer.Deserialize<GenerationRequest>(stream.ToArray(), Json) ?? throw new InvalidDataException($"Stored job {id} has an empty request.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Stored job {id} has an unreadable request: {e.Message}", e);
        }
    }

    public IReadOnlyList<JobDocument> LoadAll() => _jobs.FindAll().ToList();

    public void Update(JobDocument doc) => _jobs.Upsert(doc);

    public void Delete(Guid id)
    {
        _jobs.Delete(id);
        _files.Delete(FileId(id));
    }
}
