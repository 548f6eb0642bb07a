using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using WebUI.History;
using WebUI.Tests.History;
using WebUI.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace WebUI.Tests.Browser;

/// <summary>
/// The History tab in headless Chromium against the real app: the start-up reconcile indexes pictures already in the
/// outputs folder; the test browses the virtualised grid, searches, favourites from the keyboard and sends a picture
/// to txt2img.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class HistoryBrowserTests(BrowserFixture browser) : IDisposable
{
    const int Pictures = 150;
    readonly TempDirectory _data = new("webui-history-browser");

    static string PromptOf(int i) => i % 3 == 0 ? $"a lighthouse in a storm, picture {i}" : $"a mountain village, picture {i}";

    [Fact]
    public async Task Browse_search_favourite_and_send_a_picture_to_txt2img()
    {
        LiveApp.PrepareDataDir(_data.Path);
        // Pictures already in the outputs folder (as after an A1111 install), one minute apart, oldest first.
        string folder = Path.Combine(_data.Path, "outputs", "txt2img-images", "2024-07-01");
        for (int i = 0; i < Pictures; i++)
        {
            string file = HistoryTestData.Write(Path.Combine(folder, $"{i:00000}-{1000 + i}.png"),
                HistoryTestData.Png(96, 64, HistoryTestData.Infotext(PromptOf(i), 1000 + i, width: 96, height: 64), i));
            File.SetLastWriteTimeUtc(file, new DateTime(2024, 7, 1, 8, 0, 0, DateTimeKind.Utc).AddMinutes(i));
        }

        using var app = new LiveApp(_data.Path);
        var history = app.Services.GetRequiredService<IHistoryService>();
        await using var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await Pages.OpenAsync(context, app.BaseUrl + "/");

        // The History tab (fourth): the start-up reconcile has indexed every picture.
        await page.Locator(".webui-tabs .mud-tab").Nth(3).ClickAsync();
        await Expect(page.Locator("#history-count")).ToHaveTextAsync($"{Pictures} pictures");
        var tiles = page.Locator("#history-grid .history-tile");
        await Expect(tiles.First).ToBeVisibleAsync();
        // Virtualised: only the rows near the viewport are in the page, and their thumbnails load.
        int inPage = await tiles.CountAsync();
        Assert.InRange(inPage, 1, Pictures - 1);
        await page.WaitForFunctionAsync("() => { const img = document.querySelector('#history-grid .history-tile img'); return img && img.complete && img.naturalWidth > 0; }");
        int newest = int.Parse((await tiles.First.GetAttributeAsync("data-id"))!);
        Assert.Equal(PromptOf(Pictures - 1), history.Get(newest)!.Prompt);

        // Scrolling to the end brings the oldest picture into the page.
        await page.Locator("#history-grid").EvaluateAsync("grid => grid.scrollTop = grid.scrollHeight");
        await page.WaitForFunctionAsync($"() => document.querySelector('#history-grid .history-tile[data-id=\"{OldestId(history)}\"]') !== null");
        await page.Locator("#history-grid").EvaluateAsync("grid => grid.scrollTop = 0");

        // Search by prompt words.
        await page.Locator("#history-search").FillAsync("lighthouse storm");
        int lighthouses = Enumerable.Range(0, Pictures).Count(i => i % 3 == 0);
        await Expect(page.Locator("#history-count")).ToHaveTextAsync($"{lighthouses} pictures");

        // Open the newest lighthouse, favourite it with F, step right with the arrow key.
        await tiles.First.Locator(".history-open").ClickAsync();
        var lightbox = page.Locator("#history-lightbox");
        await Expect(lightbox).ToBeVisibleAsync();
        int newestLighthouse = Enumerable.Range(0, Pictures).Last(i => i % 3 == 0);
        await Expect(page.Locator("#lightbox-prompt")).ToHaveTextAsync(PromptOf(newestLighthouse));
        await Expect(lightbox).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("f");
        await Expect(page.Locator("#history-grid .history-tile.favourite")).ToHaveCountAsync(1);
        await page.Keyboard.PressAsync("ArrowRight");
        await Expect(page.Locator("#lightbox-prompt")).ToHaveTextAsync(PromptOf(newestLighthouse - 3));
        await page.Keyboard.PressAsync("ArrowLeft");
        await Expect(page.Locator("#lightbox-prompt")).ToHaveTextAsync(PromptOf(newestLighthouse));

        // Send to txt2img: the txt2img tab shows up with the picture's prompt and seed.
        await page.Locator("#lightbox-send-txt2img").ClickAsync();
        await Expect(lightbox).ToHaveCountAsync(0);
        await Expect(page.Locator("#txt2img-prompt")).ToBeVisibleAsync();
        await Expect(page.Locator("#txt2img-prompt")).ToHaveValueAsync(PromptOf(newestLighthouse));
        await Expect(page.Locator("#txt2img-seed")).ToHaveValueAsync(new Regex($"^{1000 + newestLighthouse}$"));

        var favourites = history.Query(new HistoryQuery { FavouritesOnly = true }, 0, 10);
        Assert.Equal(PromptOf(newestLighthouse), history.Get(Assert.Single(favourites.Items).Id)!.Prompt);
    }

    static int OldestId(IHistoryService history)
    {
        var all = history.Query(HistoryQuery.All, 0, 0);
        return history.Query(HistoryQuery.All, all.Total - 1, 1).Items[0].Id;
    }

    public void Dispose() => _data.Dispose();
}
