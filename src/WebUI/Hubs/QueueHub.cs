using Microsoft.AspNetCore.SignalR;
using WebUI.Previews;
using WebUI.Queue;
using WebUI.Users;

namespace WebUI.Hubs;

/// <summary>
/// /hubs/queue: every connected browser (or tool) gets the queue's events, progress and live-preview frames pushed
/// (see <see cref="QueueHubMethods"/>; <see cref="QueueHubBroadcaster"/> sends them). Each connection joins its user's
/// group for its own jobs' details. Cancel, skip and move act as the connection's cookie user, on that user's jobs only.
/// <para>Pushed: QueueEvent(QueueEventMessage); Queue(JobSummary[]) after added/started/finished/removed/moved;
/// Progress(ProgressMessage); Preview(jobId, format "latent8"|"jpeg", bytes) — the format is described by
/// <see cref="LatentFrameCodec"/>; PreviewMatrix(jobId, matrixJson) before a job's first Preview; JobFinished(JobFinishedMessage) to the owner.</para>
/// </summary>
public sealed class QueueHub(IJobQueue queue, UserStore users, PreviewPublisher previews) : Hub
{
    public const string Path = "/hubs/queue";

    public static string UserGroup(string userId) => "user:" + userId;

    /// <summary>The connection's user: its cookie (or the id the middleware gave this connection's request).</summary>
    string? UserId => UserCookie.Read(Context.GetHttpContext());

    public override async Task OnConnectedAsync()
    {
        if (UserId is { } id) await Groups.AddToGroupAsync(Context.ConnectionId, UserGroup(id));
        await base.OnConnectedAsync();
    }

    public IReadOnlyList<JobSummary> GetQueue() => queue.Snapshot().Select(JobSummary.From).ToList();

    public ProgressMessage? GetProgress() => queue.Current is { } p ? ProgressMessage.From(p) : null;

    /// <summary>The running job's latent→RGB matrix JSON for the Latent8 preview frames ("" when idle or none).</summary>
    public string GetPreviewMatrix() => previews.MatrixJson;

    public HubUser Me() => UserId is { } id ? new HubUser(HubUser.TagOf(id), users.DisplayNameOf(id)) : new HubUser("", "");

    public bool Cancel(Guid jobId) => UserId is { } id && queue.Cancel(jobId, id);

    public bool Skip(Guid jobId) => UserId is { } id && queue.Skip(jobId, id);

    public bool Move(Guid jobId, int delta) => UserId is { } id && queue.Move(jobId, id, delta);

    /// <summary>Renames the connection's user; returns the stored name. Bad names come back as a hub error with the reason.</summary>
    public string SetDisplayName(string name)
    {
        string id = UserId ?? throw new HubException("This connection has no user.");
        try { return users.SetDisplayName(id, name); }
        catch (ArgumentException e) { throw new HubException(e.Message); }
    }
}
