using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using WebUI.Hubs;
using WebUI.Previews;
using WebUI.Queue;
using WebUI.Tests.Support;
using WebUI.Tests.Web;
using WebUI.Users;

namespace WebUI.Tests.Queue;

/// <summary>The hub through TestServer (stack.md §7): a browser-like client with a user cookie receives everything.</summary>
public sealed class QueueHubTests(WebUIFactory factory) : IClassFixture<WebUIFactory>
{
    HubConnection Connect(string userId, HttpTransportType transport) => new HubConnectionBuilder()
        .WithUrl(new Uri(factory.Server.BaseAddress, QueueHub.Path), o =>
        {
            o.Transports = transport;
            o.Headers["Cookie"] = $"{UserCookie.Name}={userId}";
            o.HttpMessageHandlerFactory = _ => factory.Server.CreateHandler();
            o.WebSocketFactory = async (context, ct) =>
            {
                var client = factory.Server.CreateWebSocketClient();
                client.ConfigureRequest = r => r.Headers.Cookie = $"{UserCookie.Name}={userId}";
                return await client.ConnectAsync(context.Uri, ct);
            };
        })
        .Build();

    [Theory]
    [InlineData(HttpTransportType.WebSockets)]
    [InlineData(HttpTransportType.LongPolling)]
    public async Task Hub_clients_receive_queue_events_progress_previews_and_their_own_results(HttpTransportType transport)
    {
        _ = factory.CreateClient(); // starts the host (builds the demo model)
        var queue = factory.Services.GetRequiredService<IJobQueue>();
        string owner = UserCookie.NewId(), other = UserCookie.NewId();

        var events = new ConcurrentQueue<QueueEventMessage>();
        var progress = new ConcurrentQueue<ProgressMessage>();
        var previews = new ConcurrentQueue<(Guid Job, string Format, byte[] Bytes)>();
        var matrices = new ConcurrentQueue<string>();
        var finished = new TaskCompletionSource<JobFinishedMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var otherFinished = new ConcurrentQueue<JobFinishedMessage>();
        var lists = new ConcurrentQueue<List<JobSummary>>();

        await using var mine = Connect(owner, transport);
        await using var theirs = Connect(other, transport);
        mine.On<QueueEventMessage>(QueueHubMethods.QueueEvent, events.Enqueue);
        mine.On<ProgressMessage>(QueueHubMethods.Progress, progress.Enqueue);
        mine.On<Guid, string, byte[]>(QueueHubMethods.Preview, (job, format, bytes) => previews.Enqueue((job, format, bytes)));
        mine.On<Guid, string>(QueueHubMethods.PreviewMatrix, (_, json) => matrices.Enqueue(json));
        mine.On<JobFinishedMessage>(QueueHubMethods.JobFinished, m => finished.TrySetResult(m));
        mine.On<List<JobSummary>>(QueueHubMethods.Queue, lists.Enqueue);
        theirs.On<JobFinishedMessage>(QueueHubMethods.JobFinished, otherFinished.Enqueue);
        await mine.StartAsync();
        await theirs.StartAsync();

        var me = await mine.InvokeAsync<HubUser>(nameof(QueueHub.Me));
        Assert.Equal(HubUser.TagOf(owner), me.Tag);
        Assert.Equal("Ada", await mine.InvokeAsync<string>(nameof(QueueHub.SetDisplayName), "Ada"));

        // Held after its first step until the queue list reached us: the list is read from the queue when the
        // broadcaster sends it, and a 6-step demo job could otherwise be gone from it already.
        using var pacer = new JobPacer(queue);
        var request = QueueTestKit.Request("a lighthouse", steps: 6);
        var job = queue.Enqueue(request, new JobOwner(owner, "Ada", JobSource.Ui));
        Assert.False(await theirs.InvokeAsync<bool>(nameof(QueueHub.Cancel), job.Id)); // not theirs
        await WaitUntil(() => !lists.IsEmpty);
        pacer.Release();
        var result = await finished.Task.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(job.Id, result.JobId);
        Assert.Equal("done", result.State);
        var url = Assert.Single(result.Urls);
        Assert.StartsWith("/outputs/txt2img-images/", url);
        Assert.Empty(otherFinished); // own-job details go to the owner's group only

        // The list sent after "finished" no longer holds the job: waiting for it too means no message of this job is
        // still on its way to the next test's connections.
        await WaitUntil(() => events.Any(e => e.Kind == "finished") && progress.Any(p => p.Step == 6) && !previews.IsEmpty
            && lists.LastOrDefault() is { } last && last.All(s => s.Id != job.Id));
        Assert.Equal(["added", "started", "finished"], events.Where(e => e.JobId == job.Id).Select(e => e.Kind));
        Assert.All(progress, p => Assert.Equal(job.Id, p.JobId));
        var (previewJob, format, bytes) = previews.Last();
        Assert.Equal((job.Id, "latent8"), (previewJob, format));
        Assert.Equal(LatentFrameCodec.FrameBytes(4, 8, 8), bytes.Length);
        Assert.Equal(6, LatentFrameCodec.ReadHeader(bytes).Step);
        Assert.Contains("\"factors\"", matrices.Single());
        var summary = lists.First().Single(s => s.Id == job.Id);
        Assert.Equal(me.Tag, summary.OwnerTag);
        Assert.DoesNotContain(owner, System.Text.Json.JsonSerializer.Serialize(lists.ToArray()));
    }

    [Fact]
    public async Task Cancel_skip_and_move_through_the_hub_act_only_on_the_callers_jobs()
    {
        _ = factory.CreateClient();
        var queue = factory.Services.GetRequiredService<IJobQueue>();
        string owner = UserCookie.NewId(), other = UserCookie.NewId();
        await using var mine = Connect(owner, HttpTransportType.WebSockets);
        await using var theirs = Connect(other, HttpTransportType.WebSockets);
        var lists = new ConcurrentQueue<List<JobSummary>>();
        mine.On<List<JobSummary>>(QueueHubMethods.Queue, lists.Enqueue);
        await mine.StartAsync();
        await theirs.StartAsync();

        // The worker is held after the first job's first step, so the first job is surely still running and the
        // second surely still waiting while we act on them (the demo model alone would race through both).
        var pacer = new JobPacer(queue);
        var first = queue.Enqueue(QueueTestKit.Request("one", steps: 150, batchCount: 20), new JobOwner(owner, "A", JobSource.Ui));
        var second = queue.Enqueue(QueueTestKit.Request("two", steps: 150, batchCount: 20), new JobOwner(owner, "A", JobSource.Ui));
        try
        {
            Assert.False(await theirs.InvokeAsync<bool>(nameof(QueueHub.Move), second.Id, -1));
            Assert.False(await theirs.InvokeAsync<bool>(nameof(QueueHub.Skip), first.Id));
            Assert.False(await theirs.InvokeAsync<bool>(nameof(QueueHub.Cancel), second.Id));
            Assert.True(await mine.InvokeAsync<bool>(nameof(QueueHub.Cancel), second.Id));
            Assert.Equal(JobState.Canceled, queue.Get(second.Id)!.State);
            var list = await mine.InvokeAsync<List<JobSummary>>(nameof(QueueHub.GetQueue));
            Assert.DoesNotContain(list, s => s.Id == second.Id);
        }
        finally
        {
            queue.Cancel(first.Id, owner);
            queue.Cancel(second.Id, owner);
            pacer.Dispose(); // lets the worker see the interrupt
            // Interrupted: it ends canceled, keeping whatever pictures it had finished.
            try { Assert.True((await queue.WaitAsync(first.Id).WaitAsync(TimeSpan.FromMinutes(1))).Interrupted); }
            catch (OperationCanceledException) { }
            Assert.Equal(JobState.Canceled, queue.Get(first.Id)!.State);
            // The queue list sent after the first job ended: nothing of this test is still on its way to the next one.
            await WaitUntil(() => lists.LastOrDefault() is { } last && last.All(s => s.Id != first.Id && s.Id != second.Id));
        }
    }

    static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The hub messages did not arrive.");
            await Task.Delay(20);
        }
    }
}
