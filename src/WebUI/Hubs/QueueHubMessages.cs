using System.Security.Cryptography;
using System.Text;
using WebUI.Queue;

namespace WebUI.Hubs;

/// <summary>
/// A job as every browser may see it. The owner's user id is never sent (it is the cookie that proves who a browser
/// is); <see cref="OwnerTag"/> is a one-way tag of it, so a client can tell its own jobs (compare with <see cref="HubUser.Tag"/>).
/// </summary>
public sealed record JobSummary(
    Guid Id, string OwnerName, string OwnerTag, string Source, string State, int Position,
    string Prompt, string Model, int Width, int Height, int Steps, int BatchCount, int BatchSize,
    DateTime CreatedUtc, ProgressMessage? Progress)
{
    public static JobSummary From(JobView view) => new(
        view.Id, view.Owner.DisplayName, HubUser.TagOf(view.Owner.UserId), view.Owner.Source.ToString().ToLowerInvariant(),
        view.State.ToString().ToLowerInvariant(), view.Position, view.Request.Prompt, view.Request.Model,
        view.Request.Width, view.Request.Height, view.Request.Steps, view.Request.BatchCount, view.Request.BatchSize,
        view.CreatedUtc, view.Progress is { } p ? ProgressMessage.From(p) : null);
}

/// <summary>The running job's progress: 1-based batch, steps done, fraction of the whole job, seconds.</summary>
public sealed record ProgressMessage(Guid JobId, int Batch, int BatchCount, int Step, int Steps, double Fraction, double ElapsedSeconds, double? EtaSeconds)
{
    public static ProgressMessage From(JobProgressSnapshot p) =>
        new(p.JobId, p.Batch, p.BatchCount, p.Step, p.Steps, p.Fraction, p.Elapsed.TotalSeconds, p.Eta?.TotalSeconds);
}

/// <summary>What happened (added|started|progress|preview|finished|removed|moved) to which job.</summary>
public sealed record QueueEventMessage(string Kind, Guid JobId);

/// <summary>Sent to the owner's group only when their job ends: the saved pictures' URLs, or why it failed.</summary>
public sealed record JobFinishedMessage(Guid JobId, string State, bool Interrupted, string? Error, IReadOnlyList<string> Urls);

/// <summary>The connection's user as the hub sees it.</summary>
public sealed record HubUser(string Tag, string DisplayName)
{
    /// <summary>First 12 hex digits of SHA-256("webui-user:" + id): identifies, cannot be turned back into the cookie.</summary>
    public static string TagOf(string userId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("webui-user:" + userId)))[..12];
}

/// <summary>Client method names the hub calls (SignalR "On" handlers).</summary>
public static class QueueHubMethods
{
    public const string QueueEvent = "QueueEvent", Queue = "Queue", Progress = "Progress", Preview = "Preview",
        PreviewMatrix = "PreviewMatrix", JobFinished = "JobFinished";
}
