using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using WebUI.Generation;
using WebUI.Hosting;
using WebUI.Previews;
using WebUI.Queue;

namespace WebUI.Hubs;

/// <summary>
/// Forwards <see cref="IJobQueue.Changed"/> to every hub client. The queue raises events on the worker's thread, so
/// the handler only records them and a background loop does the sending: structural events are all delivered in
/// order; progress and preview are coalesced to the latest (a slow client gets fewer frames, never a stalled worker).
/// </summary>
public sealed class QueueHubBroadcaster(IJobQueue queue, IHubContext<QueueHub> hub, WebUIPaths paths,
    ILogger<QueueHubBroadcaster> log) : BackgroundService
{
    readonly ConcurrentQueue<QueueEvent> _events = new();
    readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    int _progressPending, _previewPending;
    Guid _matrixSentFor;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        queue.Changed += OnChanged;
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Changed -= OnChanged;
        await base.StopAsync(cancellationToken);
    }

    void OnChanged(QueueEvent e)
    {
        switch (e.Kind)
        {
            case "progress": Volatile.Write(ref _progressPending, 1); break;
            case "preview": Volatile.Write(ref _previewPending, 1); break;
            default: _events.Enqueue(e); break;
        }
        _wake.Writer.TryWrite(true);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _wake.Reader.WaitToReadAsync(stoppingToken))
            {
                _wake.Reader.TryRead(out _);
                try { await SendPendingAsync(stoppingToken); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning(e, "Sending queue events to hub clients failed");
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    async Task SendPendingAsync(CancellationToken ct)
    {
        var all = hub.Clients.All;
        bool structural = false;
        while (_events.TryDequeue(out var e))
        {
            await all.SendAsync(QueueHubMethods.QueueEvent, new QueueEventMessage(e.Kind, e.JobId), ct);
            structural = true;
            if (e.Kind == "finished" && queue.Get(e.JobId) is { } done)
            {
                var urls = done.SavedPaths.Select(p => OutputUrls.For(paths, p)).OfType<string>().ToList();
                await hub.Clients.Group(QueueHub.UserGroup(done.Owner.UserId)).SendAsync(QueueHubMethods.JobFinished,
                    new JobFinishedMessage(done.Id, done.State.ToString().ToLowerInvariant(), done.Interrupted, done.Error, urls), ct);
            }
        }
        if (structural)
            await all.SendAsync(QueueHubMethods.Queue, queue.Snapshot().Select(JobSummary.From).ToList(), ct);
        if (Interlocked.Exchange(ref _progressPending, 0) == 1 && queue.Current is { } progress)
            await all.SendAsync(QueueHubMethods.Progress, ProgressMessage.From(progress), ct);
        if (Interlocked.Exchange(ref _previewPending, 0) == 1 && queue.CurrentPreview is { } frame)
        {
            // Copied: the frame's buffer returns to the publisher's ring while SignalR may still be serialising.
            byte[] bytes = frame.Bytes.ToArray();
            string format = frame.Format == PreviewFormat.Jpeg ? "jpeg" : "latent8";
            if (frame.JobId != _matrixSentFor)
            {
                _matrixSentFor = frame.JobId;
                await all.SendAsync(QueueHubMethods.PreviewMatrix, frame.JobId, frame.MatrixJson, ct);
            }
            await all.SendAsync(QueueHubMethods.Preview, frame.JobId, format, bytes, ct);
        }
    }
}
