using System.Text.Json;
using JsonSerializer = System.Text.Json.JsonSerializer;
using LiteDB;
using WebUI.Diffusion.Pipelines;
using WebUI.Storage;

namespace WebUI.Queue;

/// <summary>A job as stored in LiteDB (collection "queue_jobs"). The request is JSON; its init image is stored as binary beside it.</summary>
public sealed class JobDocument
{
    public Guid Id { get; set; }
    public string UserId { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public JobSource Source { get; set; }
    public string RequestJson { get; set; } = "{}";
    public byte[]? InitImage { get; set; }
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
/// restart; finished jobs keep a short record (outcome paths, error) until pruned.
/// </summary>
public sealed class JobStore
{
    public const string CollectionName = "queue_jobs";
    static readonly JsonSerializerOptions Json = new() { WriteIndented = false };
    readonly ILiteCollection<JobDocument> _jobs;

    public JobStore(AppDatabase database)
    {
        _jobs = database.Db.GetCollection<JobDocument>(CollectionName);
        _jobs.EnsureIndex(x => x.State);
    }

    public static string SerializeRequest(GenerationRequest request) =>
        JsonSerializer.Serialize(request with { InitImage = null }, Json);

    /// <summary>The stored request; throws InvalidDataException when the JSON no longer reads as a request.</summary>
    public static GenerationRequest DeserializeRequest(JobDocument doc)
    {
        try
        {
            var request = JsonSerializer.Deserialize<GenerationRequest>(doc.RequestJson, Json)
                ?? throw new InvalidDataException("empty request");
            return request with { InitImage = doc.InitImage };
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Stored job {doc.Id} has an unreadable request: {e.Message}", e);
        }
    }

    public IReadOnlyList<JobDocument> LoadAll() => _jobs.FindAll().ToList();

    public void Upsert(JobDocument doc) => _jobs.Upsert(doc);

    public void Delete(Guid id) => _jobs.Delete(id);
}
