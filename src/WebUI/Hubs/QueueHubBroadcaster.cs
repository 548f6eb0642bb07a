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
/// the handler only records them (with the progress snapshot or preview frame of that moment) and a background loop
/// sends them in order. Consecutive progress and preview events of a job are coalesced to the latest: a slow client
/// gets fewer frames, never a stalled worker, and always the last step.
/// </summary>
public sealed class QueueHubBroadcaster(IJobQueue queue, IHubContext<QueueHub> hub, WebUIPaths paths,
    ILogger<QueueHubBroadcaster> log) : BackgroundService
{
    readonly record struct Pending(QueueEvent Event, object? Payload);

    readonly Lock _lock = new();
    List<Pending> _pending = [], _sending = [];
    readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
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

    static bool Coalesced(string kind) => kind is "progress" or "preview";

    void OnChanged(QueueEvent e)
    {
        object? payload = e.Kind switch
        {
            "progress" => queue.Current,
            "preview" => queue.CurrentPreview,
            _ => null,
        };
        if (Coalesced(e.Kind) && payload is null) return;
        lock (_lock)
        {
            bool replaced = false;
            if (payload is not null)
            {
                // Replace the same kind's pending entry if only progress/preview entries follow it.
                for (int i = _pending.Count - 1; i >= 0 && Coalesced(_pending[i].Event.Kind); i--)
                {
                    if (_pending[i].Event.Kind != e.Kind || _pending[i].Event.JobId != e.JobId) continue;
                    _pending[i] = new Pending(e, payload);
                    replaced = true;
                    break;
                }
            }
            if (!replaced) _pending.Add(new Pending(e, payload));
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
                lock (_lock) (_pending, _sending) = (_sending, _pending);
                try { await SendAsync(_sending, stoppingToken); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning(e, "Sending queue events to hub clients failed");
                }
                finally { _sending.Clear(); }
            }
        }
        catch (OperationCanceledException) { }
    }

    async Task SendAsync(List<Pending> batch, CancellationToken ct)
    {
        var all = hub.Clients.All;
        bool structural = false;
        foreach (var (e, payload) in batch)
        {
            switch (payload)
            {
                case JobProgressSnapshot progress:
                    await all.SendAsync(QueueHubMethods.Progress, ProgressMessage.From(progress), ct);
                    continue;
                case PreviewFrame frame:
                    await SendPreviewAsync(all, frame, ct);
                    continue;
            }
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
    }

    async Task SendPreviewAsync(IClientProxy all, PreviewFrame frame, CancellationToken ct)
    {
        // Copied: the frame's buffer returns to the publisher's ring while SignalR may still be serialising.
        byte[] bytes = frame.Bytes.ToArray();
        Guid job = frame.JobId;
        string format = frame.Format == PreviewFormat.Jpeg ? "jpeg" : "latent8";
        if (job != _matrixSentFor)
        {
            _matrixSentFor = job;
            await all.SendAsync(QueueHubMethods.PreviewMatrix, job, frame.MatrixJson, ct);
        }
        await all.SendAsync(QueueHubMethods.Preview, job, format, bytes, ct);
    }
}
