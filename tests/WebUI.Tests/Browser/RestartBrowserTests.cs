using Microsoft.Playwright;
using WebUI.Queue;
using WebUI.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace WebUI.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class RestartBrowserTests(BrowserFixture browser) : IDisposable
{
    readonly TempDirectory _data = new("webui-browser");

    [Fact]
    public async Task Jobs_queued_before_a_restart_are_finished_by_the_next_start_and_the_page_follows_them()
    {
        LiveApp.PrepareDataDir(_data.Path, steps: 30);
        await using var context = await browser.Browser.NewContextAsync();
        List<Guid> ids;
        using (var first = new LiveApp(_data.Path))
        {
            var page = await Pages.OpenAsync(context, first.BaseUrl + "/");
            await page.Locator("#txt2img-batch-count").FillAsync("6");
            await page.Locator("#txt2img-batch-count").PressAsync("Tab");
            await page.Locator("#txt2img-prompt").FillAsync("before the restart 1");
            await page.Locator("#txt2img-generate").ClickAsync();
            await page.Locator("#txt2img-prompt").FillAsync("before the restart 2");
            await page.Locator("#txt2img-prompt").PressAsync("Control+Enter");
            await page.Locator("#txt2img-prompt").FillAsync("before the restart 3");
            await page.Locator("#txt2img-prompt").PressAsync("Control+Enter");
            await Expect(page.Locator("#txt2img-queue tbody tr")).ToHaveCountAsync(3);
            ids = first.Queue.Snapshot().Select(j => j.Id).ToList();
            Assert.Equal(3, ids.Count);
            await page.CloseAsync();
        } // the server stops while the first job runs and two wait

        using var second = new LiveApp(_data.Path);
        // The same browser comes back (same user cookie) and sees its jobs continue.
        var again = await Pages.OpenAsync(context, second.BaseUrl + "/");
        foreach (var id in ids)
        {
            var outcome = await second.Queue.WaitAsync(id).WaitAsync(TimeSpan.FromSeconds(90));
            Assert.False(outcome.Interrupted);
            Assert.All(outcome.SavedPaths, p => Assert.True(File.Exists(p), p));
        }
        Assert.Equal(6, (await second.Queue.WaitAsync(ids[0])).Result.Images.Count);
        Assert.Equal("before the restart 3", second.Queue.Get(ids[2])!.Request.Prompt);
        await Expect(again.Locator("#txt2img-result-image")).ToBeVisibleAsync();
        await Expect(again.Locator("#txt2img-infotext")).ToContainTextAsync("before the restart 3");
    }

    public void Dispose() => _data.Dispose();
}
