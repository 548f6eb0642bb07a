using WebUI.Generation;
using WebUI.Queue;
using WebUI.Tests.Support;
using WebUI.Users;

namespace WebUI.Tests.Queue;

/// <summary>A clock the test moves by hand.</summary>
sealed class ManualTime : TimeProvider
{
    long _ticks;
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    public override long GetTimestamp() => _ticks;
    public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(_ticks);
    public void Advance(double seconds) => _ticks += (long)(seconds * TimeSpan.TicksPerSecond);
}

public sealed class ProgressTests
{
    [Fact]
    public void Fraction_covers_all_batches_and_the_ETA_follows_the_measured_step_rate()
    {
        var time = new ManualTime();
        var id = Guid.NewGuid();
        var clock = new ProgressClock(id, batchCount: 2, stepsPerBatch: 4, time);
        Assert.Equal(new JobProgressSnapshot(id, 1, 2, 0, 4, 0, TimeSpan.Zero, null), clock.Initial());

        time.Advance(10); // model load + text encoding: not part of the step rate
        var first = clock.OnStep(batch: 0, step: 0, steps: 4);
        Assert.Equal((1, 1, 0.125), (first.Batch, first.Step, first.Fraction));
        Assert.Equal(TimeSpan.FromSeconds(10), first.Elapsed);
        Assert.Null(first.Eta); // one step says nothing about the rate yet

        time.Advance(2);
        var second = clock.OnStep(0, 1, 4);
        Assert.Equal(0.25, second.Fraction);
        Assert.Equal(TimeSpan.FromSeconds(2 * 6), second.Eta); // 2 s/step × 6 steps left in both batches

        time.Advance(2 * 2 + 3); // two steps, then 3 s of VAE decoding before batch 2 starts
        var third = clock.OnStep(1, 0, 4);
        Assert.Equal((2, 1, 0.625), (third.Batch, third.Step, third.Fraction));
        Assert.Equal(TimeSpan.FromSeconds(9.0 / 4 * 3), third.Eta); // 9 s over the 4 steps since the first, 3 left
        Assert.Equal(TimeSpan.FromSeconds(19), third.Elapsed);

        time.Advance(1);
        var last = clock.OnStep(1, 3, 4);
        Assert.Equal((1.0, TimeSpan.Zero), (last.Fraction, last.Eta));
    }
}

[Collection(DemoDataDirCollection.Name)]
public sealed class QueuedGenerationServiceTests(DemoDataDir demo) : IDisposable
{
    readonly QueueTestKit kit = new();

    [Fact]
    public async Task The_page_enqueues_for_its_user_reports_progress_and_interrupts_through_the_queue()
    {
        var db = kit.OpenDatabase();
        await using var run = new RealQueue(demo, db);
        var user = new CurrentUser(new UserStore(db)); // no HTTP request: the shared "local" user
        var page = new QueuedGenerationService(run.Queue, run.Service, user);
        var seen = new List<JobProgress>();
        Guid? jobId = null;
        run.Queue.Changed += e => { if (e.Kind == "added") jobId = e.JobId; };
        await run.StartAsync();

        var outcome = await page.GenerateAsync(QueueTestKit.Request("a lighthouse", steps: 3, batchCount: 2), p => { lock (seen) seen.Add(p); });
        Assert.Equal([100L, 101L], outcome.Pictures.Select(p => p.Seed));
        Assert.All(outcome.Pictures, p => Assert.StartsWith("/outputs/txt2img-images/", p.Url));
        Assert.Equal(CurrentUser.LocalUserId, run.Queue.Get(jobId!.Value)!.Owner.UserId);
        Assert.Contains(seen, p => p is { Batch: 2, Step: 3, Steps: 3 });

        // Cancelling the page's token interrupts its job: pictures finished before are kept.
        using var cts = new CancellationTokenSource();
        run.Queue.Changed += e => { if (e.Kind == "progress" && run.Queue.Current is { Batch: 2 }) cts.Cancel(); };
        var interrupted = await page.GenerateAsync(QueueTestKit.Request("a lighthouse", steps: 3, batchCount: 3), cancellationToken: cts.Token);
        Assert.Equal([100L], interrupted.Pictures.Select(p => p.Seed));
        Assert.Equal(JobState.Canceled, run.Queue.Get(jobId!.Value)!.State);
    }

    public void Dispose() => kit.Dispose();
}
