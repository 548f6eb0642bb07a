using Microsoft.Playwright;
using WebUI.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace WebUI.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class LayoutBrowserTests(BrowserFixture browser) : IDisposable
{
    readonly TempDirectory _data = new("webui-browser");

    static readonly (string Tab, string Id)[] MainTabs =
        [("txt2img", "tab-txt2img"), ("img2img", "tab-img2img"), ("pnginfo", "tab-pnginfo"), ("history", "tab-history"), ("settings", "tab-settings")];

    /// <summary>Screenshots go to TestResults/screenshots in the repository (for people to look at; git-ignored).</summary>
    static string ScreenshotDir
    {
        get
        {
            string dir = Path.Combine(SharedFiles.RepositoryRoot, "TestResults", "screenshots");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    static async Task ShowTabAsync(IPage page, int index)
    {
        await page.Locator(".webui-tabs .mud-tab").Nth(index).ClickAsync();
        await page.WaitForTimeoutAsync(150); // the tab slide animation
    }

    /// <summary>Every main tab fits the viewport: nothing wider than the window (no sideways scrolling on a phone).</summary>
    static async Task CaptureTabsAsync(IPage page, string language, string device)
    {
        for (int i = 0; i < MainTabs.Length; i++)
        {
            int index = MainTabs[i].Tab switch { "txt2img" => 0, "img2img" => 1, "pnginfo" => 2, "history" => 3, _ => 5 };
            await ShowTabAsync(page, index);
            await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDir, $"{device}-{language}-{MainTabs[i].Tab}.png"), FullPage = true });
            int overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 0, $"{MainTabs[i].Tab} ({language}, {device}) is {overflow}px wider than the window");
        }
        await ShowTabAsync(page, 0);
    }

    [Fact]
    public async Task Switching_to_Chinese_and_back_relabels_the_page_and_every_tab_fits_a_phone()
    {
        LiveApp.PrepareDataDir(_data.Path);
        using var app = new LiveApp(_data.Path);
        await using var desktop = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1366, Height = 900 } });
        var page = await Pages.OpenAsync(desktop, app.BaseUrl + "/");
        await Expect(page.Locator("#txt2img-generate")).ToHaveTextAsync("Generate");
        await CaptureTabsAsync(page, "en", "desktop");

        await SwitchLanguageAsync(page, "zh-CN");
        await Expect(page.Locator("#txt2img-generate")).ToHaveTextAsync("生成");
        await Expect(page.Locator(".webui-tabs")).ToContainTextAsync("文生图");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await CaptureTabsAsync(page, "zh", "desktop");

        await SwitchLanguageAsync(page, "en");
        await Expect(page.Locator("#txt2img-generate")).ToHaveTextAsync("Generate");

        // A phone: every tab fits its width, in both languages.
        await using var other = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true });
        var phone = await Pages.OpenAsync(other, app.BaseUrl + "/");
        await Expect(phone.Locator("#txt2img-generate")).ToHaveTextAsync("Generate");
        await CaptureTabsAsync(phone, "en", "phone");
        await SwitchLanguageAsync(phone, "zh-CN");
        await Expect(phone.Locator("#txt2img-generate")).ToHaveTextAsync("生成");
        await CaptureTabsAsync(phone, "zh", "phone");

        // The choice is each browser's own (a cookie): the desktop browser stayed in English.
        await page.ReloadAsync();
        await page.Locator("[data-interactive='true']").WaitForAsync();
        await Expect(page.Locator("#txt2img-generate")).ToHaveTextAsync("Generate");

        // Light theme: switched at once, and kept by the browser for its next visit.
        Assert.True(await BackgroundLuminanceAsync(page) < 0.2);
        await page.Locator("#theme-toggle").ClickAsync();
        await page.WaitForFunctionAsync("() => getComputedStyle(document.body).backgroundColor !== 'rgb(11, 15, 25)'");
        await page.ReloadAsync();
        await page.Locator("[data-interactive='true']").WaitForAsync();
        Assert.True(await BackgroundLuminanceAsync(page) > 0.8);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDir, "desktop-en-light-txt2img.png"), FullPage = true });
    }

    static async Task<double> BackgroundLuminanceAsync(IPage page)
    {
        string color = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
        var parts = System.Text.RegularExpressions.Regex.Matches(color, @"\d+").Select(m => double.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return (0.2126 * parts[0] + 0.7152 * parts[1] + 0.0722 * parts[2]) / 255;
    }

    static async Task SwitchLanguageAsync(IPage page, string code)
    {
        await page.Locator("#language-menu button").First.ClickAsync();
        await page.Locator($"#language-{code}").ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith('/'));
        await page.Locator("[data-interactive='true']").WaitForAsync();
    }

    public void Dispose() => _data.Dispose();
}
