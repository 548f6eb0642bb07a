using WebUI.Previews;
using WebUI.Queue;

namespace WebUI.Tests.Queue;

public sealed class FairnessTests : IDisposable
{
    readonly QueueTestKit kit = new();

    JobQueue NewQueue() => new(kit.OpenDatabase(), new ValidatingRunner(), new PreviewPublisher());

    static string[] Prompts(IJobQueue queue) => queue.Snapshot().Select(j => j.Request.Prompt).ToArray();

    [Fact]
    public void A_queues_three_and_B_one_so_B_runs_second()
    {
        var queue = NewQueue();
        foreach (var p in new[] { "A1", "A2", "A3" }) queue.Enqueue(QueueTestKit.Request(p), QueueTestKit.User("a"));
        queue.Enqueue(QueueTestKit.Request("B1"), QueueTestKit.User("b"));

        Assert.Equal(["A1", "B1", "A2", "A3"], Prompts(queue));
        Assert.Equal([1, 2, 3, 4], queue.Snapshot().Select(j => j.Position));
    }

    [Fact]
    public async Task The_same_order_holds_when_A1_is_already_running()
    {
        var queue = NewQueue();
        queue.Enqueue(QueueTestKit.Request("A1"), QueueTestKit.User("a"));
        var running = await queue.TakeNextAsync(CancellationToken.None);
        queue.Enqueue(QueueTestKit.Request("A2"), QueueTestKit.User("a"));
        queue.Enqueue(QueueTestKit.Request("A3"), QueueTestKit.User("a"));
        queue.Enqueue(QueueTestKit.Request("B1"), QueueTestKit.User("b"));

        Assert.Equal("A1", running.Request.Prompt);
        Assert.Equal(["A1", "B1", "A2", "A3"], Prompts(queue));
        var snapshot = queue.Snapshot();
        Assert.Equal(JobState.Running, snapshot[0].State);
        Assert.Equal(0, snapshot[0].Position);
        Assert.Equal(JobState.Queued, snapshot[1].State);
        Assert.Equal(running.Doc.Id, queue.Current!.JobId);
    }

    [Fact]
    public async Task Three_users_take_turns_and_the_last_served_user_waits_for_the_others()
    {
        var queue = NewQueue();
        foreach (var p in new[] { "A1", "A2", "A3" }) queue.Enqueue(QueueTestKit.Request(p), QueueTestKit.User("a"));
        foreach (var p in new[] { "B1", "B2" }) queue.Enqueue(QueueTestKit.Request(p), QueueTestKit.User("b"));
        queue.Enqueue(QueueTestKit.Request("C1"), QueueTestKit.User("c"));
        Assert.Equal(["A1", "B1", "C1", "A2", "B2", "A3"], Prompts(queue));

        // Run them in turn (finishing each as canceled is enough for the scheduler) and record the order they start in.
        var started = new List<string>();
        for (int i = 0; i < 6; i++)
        {
            var job = await queue.TakeNextAsync(CancellationToken.None);
            started.Add(job.Request.Prompt);
            if (i == 0) queue.Enqueue(QueueTestKit.Request("C2"), QueueTestKit.User("c")); // C adds one while A1 runs
            queue.Complete(job, null, new OperationCanceledException());
        }
        Assert.Equal(["A1", "B1", "C1", "A2", "B2", "C2"], started);
    }

    [Fact]
    public void Bad_requests_are_refused_with_the_reason_and_nothing_is_queued()
    {
        var queue = NewQueue();
        var error = Assert.Throws<ArgumentException>(() => queue.Enqueue(QueueTestKit.Request("x") with { Model = "missing" }, QueueTestKit.User("a")));
        Assert.Contains("missing", error.Message);
        Assert.Throws<ArgumentException>(() => queue.Enqueue(QueueTestKit.Request("x", steps: 0), QueueTestKit.User("a")));
        Assert.Empty(queue.Snapshot());
    }

    [Fact]
    public void Move_reorders_only_the_users_own_waiting_jobs()
    {
        var queue = NewQueue();
        var a = new[] { "A1", "A2", "A3" }.Select(p => queue.Enqueue(QueueTestKit.Request(p), QueueTestKit.User("a"))).ToArray();
        queue.Enqueue(QueueTestKit.Request("B1"), QueueTestKit.User("b"));
        var events = new List<QueueEvent>();
        queue.Changed += events.Add;

        Assert.True(queue.Move(a[2].Id, "a", -2));
        Assert.Equal(["A3", "B1", "A1", "A2"], Prompts(queue));
        Assert.Contains(events, e => e.Kind == "moved" && e.JobId == a[2].Id);

        Assert.True(queue.Move(a[2].Id, "a", +1));
        Assert.Equal(["A1", "B1", "A3", "A2"], Prompts(queue));

        Assert.False(queue.Move(a[0].Id, "b", 1)); // not B's job
        Assert.False(queue.Move(Guid.NewGuid(), "a", 1));
        Assert.True(queue.Move(a[1].Id, "a", +10)); // clamped: already last of A's
        Assert.Equal(["A1", "B1", "A3", "A2"], Prompts(queue));
    }

    [Fact]
    public async Task Another_user_cannot_cancel_and_the_owner_removes_a_waiting_job()
    {
        var queue = NewQueue();
        var job = queue.Enqueue(QueueTestKit.Request("A1"), QueueTestKit.User("a"));
        queue.Enqueue(QueueTestKit.Request("B1"), QueueTestKit.User("b"));
        var events = new List<QueueEvent>();
        queue.Changed += events.Add;

        Assert.False(queue.Cancel(job.Id, "b"));
        Assert.False(queue.Skip(job.Id, "b"));
        Assert.Equal(2, queue.Snapshot().Count);

        Assert.True(queue.Cancel(job.Id, "a"));
        Assert.Equal(["B1"], Prompts(queue));
        Assert.Equal(JobState.Canceled, queue.Get(job.Id)!.State);
        Assert.Equal(-1, queue.Get(job.Id)!.Position);
        Assert.Contains(events, e => e.Kind == "removed" && e.JobId == job.Id);
        Assert.False(queue.Cancel(job.Id, "a")); // already finished
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queue.WaitAsync(job.Id));
    }

    [Fact]
    public async Task Running_jobs_can_be_skipped_and_interrupted_only_by_their_owner()
    {
        var queue = NewQueue();
        var job = queue.Enqueue(QueueTestKit.Request("A1", batchCount: 2), QueueTestKit.User("a"));
        var entry = await queue.TakeNextAsync(CancellationToken.None);

        Assert.False(queue.Skip(job.Id, "b"));
        Assert.False(queue.Cancel(job.Id, "b"));
        Assert.False(entry.Cancellation!.IsCancellationRequested);

        Assert.True(queue.Skip(job.Id, "a"));
        Assert.True(queue.Cancel(job.Id, "a"));
        Assert.True(entry.Cancellation!.IsCancellationRequested);
        Assert.False(queue.Move(job.Id, "a", 1)); // running jobs do not move
    }

    public void Dispose() => kit.Dispose();
}
