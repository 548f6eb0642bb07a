using Microsoft.Playwright;

namespace WebUI.Tests.Browser;

/// <summary>One headless Debian Chromium for all browser tests (Playwright cannot download its own here).</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"Browser tests need Chromium at {ChromiumPath}: apt-get install -y chromium (.ci/run does it).");
        // Expect(...) has its own 5 s default, apart from the page's: on two shared cores a Blazor round trip can take
        // longer than that, so assertions wait as long as actions do.
        Assertions.SetDefaultExpectTimeout(Pages.Timeout);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

/// <summary>Page helpers shared by the browser tests.</summary>
public static class Pages
{
    public const float Timeout = 30_000;

    /// <summary>Opens the app and waits for the live circuit (prerendered buttons swallow clicks until then).</summary>
    public static async Task<IPage> OpenAsync(IBrowserContext context, string url)
    {
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(Timeout);
        await page.GotoAsync(url);
        await page.Locator("[data-interactive='true']").WaitForAsync();
        return page;
    }

    /// <summary>
    /// Records every preview frame the page draws: the canvas content after each webuiPreview.draw call (Blazor looks
    /// the function up by name at each call, so wrapping it catches them all).
    /// </summary>
    public static Task RecordPreviewFramesAsync(IPage page) => page.EvaluateAsync("""
        () => {
            window.__frames = [];
            const draw = window.webuiPreview.draw;
            window.webuiPreview.draw = async (id, bytes, matrix) => {
                const result = await draw(id, bytes, matrix);
                window.__frames.push(document.getElementById(id).toDataURL());
                return result;
            };
        }
        """);

    public static Task<string[]> PreviewFramesAsync(IPage page) => page.EvaluateAsync<string[]>("() => window.__frames");
}
