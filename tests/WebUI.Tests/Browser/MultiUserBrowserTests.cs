using System.Collections.Concurrent;
using Microsoft.Playwright;
using WebUI.Queue;
using WebUI.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace WebUI.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class MultiUserBrowserTests(BrowserFixture browser) : IDisposable
{
    readonly TempDirectory _data = new("webui-browser");

    static async Task QueueAsync(IPage page, string prompt, bool withKeyboard)
    {
        await page.Locator("#txt2img-prompt").FillAsync(prompt);
        if (withKeyboard) await page.Locator("#txt2img-prompt").PressAsync("Control+Enter");
        else await page.Locator("#txt2img-generate").ClickAsync();
    }

    static async Task SetBatchCountAsync(IPage page, int count)
    {
        await page.Locator("#txt2img-batch-count").FillAsync(count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.Locator("#txt2img-batch-count").PressAsync("Tab");
    }

    async Task<JobView> WaitForJobAsync(LiveApp app, string prompt)
    {
        for (int i = 0; i < 300; i++)
        {
            if (app.Queue.Snapshot().FirstOrDefault(j => j.Request.Prompt == prompt) is { } job) return job;
            await Task.Delay(50);
        }
        throw new TimeoutException($"The job \"{prompt}\" never reached the queue.");
    }

    [Fact]
    public async Task Two_browsers_jobs_run_round_robin_and_one_users_Interrupt_leaves_the_others_job_running()
    {
        LiveApp.PrepareDataDir(_data.Path, steps: 30);
        using var app = new LiveApp(_data.Path);
        var started = new ConcurrentQueue<string>();
        app.Queue.Changed += e =>
        {
            if (e.Kind == "started" && app.Queue.Get(e.JobId) is { } job) started.Enqueue(job.Request.Prompt);
        };

        await using var alice = await browser.Browser.NewContextAsync();
        await using var bob = await browser.Browser.NewContextAsync();
        var a = await Pages.OpenAsync(alice, app.BaseUrl + "/");
        var b = await Pages.OpenAsync(bob, app.BaseUrl + "/");

        // Alice's first job (a batch of 4) is held after its first step until everything else is queued: the demo
        // model would otherwise finish it before the other jobs arrive.
        using var pacer = new JobPacer(app.Queue);
        await SetBatchCountAsync(a, 4);
        await QueueAsync(a, "alpha 1", withKeyboard: false);
        await Expect(a.Locator("#txt2img-interrupt")).ToBeVisibleAsync();
        await SetBatchCountAsync(a, 1);
        await QueueAsync(a, "alpha 2", withKeyboard: true); // Ctrl+Enter queues even while her job runs
        await QueueAsync(b, "beta 1", withKeyboard: false);
        await QueueAsync(b, "beta 2", withKeyboard: true);

        var jobs = new List<JobView>();
        foreach (string prompt in new[] { "alpha 1", "alpha 2", "beta 1", "beta 2" }) jobs.Add(await WaitForJobAsync(app, prompt));
        Assert.Equal(JobState.Running, app.Queue.Get(jobs[0].Id)?.State);
        pacer.Release();
        Assert.NotEqual(jobs[0].Owner.UserId, jobs[2].Owner.UserId); // two browsers, two users
        foreach (var job in jobs) await app.Queue.WaitAsync(job.Id).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(["alpha 1", "beta 1", "alpha 2", "beta 2"], started);

        // Both pages show what the other queued, under the other's name, while it waits (Alice's job is held so
        // Bob's stays waiting until he drops it).
        pacer.Hold();
        await SetBatchCountAsync(a, 4);
        await QueueAsync(a, "alpha 3", withKeyboard: false);
        var alpha3 = await WaitForJobAsync(app, "alpha 3");
        await QueueAsync(b, "beta 3", withKeyboard: false);
        var beta3 = await WaitForJobAsync(app, "beta 3");
        await Expect(a.Locator("#txt2img-queue")).ToContainTextAsync("beta 3");
        await Expect(b.Locator($"#txt2img-queue tr[data-job='{alpha3.Id}'] .webui-queue-cancel")).ToHaveCountAsync(0);

        // Bob presses Escape: his own job is dropped, Alice's running job goes on to the end.
        await b.Locator("#txt2img-prompt").PressAsync("Escape");
        await Expect(b.Locator("#txt2img-generate")).ToBeVisibleAsync();
        // Escape reaches the server through Bob's circuit: wait for it there before letting Alice's job go on.
        for (int i = 0; i < 600 && app.Queue.Get(beta3.Id)?.State != JobState.Canceled; i++) await Task.Delay(50);
        pacer.Release();
        var outcome = await app.Queue.WaitAsync(alpha3.Id).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.False(outcome.Interrupted);
        Assert.Equal(4, outcome.Result.Images.Count);
        Assert.Equal(JobState.Canceled, app.Queue.Get(beta3.Id)?.State);
        await Expect(a.Locator("#txt2img-result-image")).ToBeVisibleAsync();
    }

    public void Dispose() => _data.Dispose();
}
