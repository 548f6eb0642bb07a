using System.Diagnostics;
using Microsoft.Playwright;
using WebUI.Queue;
using WebUI.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace WebUI.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class GenerationBrowserTests(BrowserFixture browser) : IDisposable
{
    readonly TempDirectory _data = new("webui-browser");

    [Fact]
    public async Task Generate_shows_live_preview_frames_then_the_picture_which_goes_on_to_img2img_and_a_sketch()
    {
        var t = Stopwatch.StartNew();
        LiveApp.PrepareDataDir(_data.Path, steps: 30);
        using var app = new LiveApp(_data.Path);
        Console.WriteLine($"app {t.ElapsedMilliseconds}");
        await using var context = await browser.Browser.NewContextAsync();
        var page = await Pages.OpenAsync(context, app.BaseUrl + "/");
        Console.WriteLine($"page {t.ElapsedMilliseconds}");
        await Pages.RecordPreviewFramesAsync(page);

        await page.Locator("#txt2img-prompt").FillAsync("a lighthouse on a cliff at sunset");
        // Ctrl+Up/Down with the caret in a word changes its weight as A1111 does, in steps of 0.1.
        await page.Locator("#txt2img-prompt").EvaluateAsync("el => el.setSelectionRange(4, 4)");
        await page.Locator("#txt2img-prompt").PressAsync("Control+ArrowUp");
        await Expect(page.Locator("#txt2img-prompt")).ToHaveValueAsync("a (lighthouse:1.1) on a cliff at sunset");
        await page.Locator("#txt2img-prompt").PressAsync("Control+ArrowUp");
        await page.Locator("#txt2img-prompt").PressAsync("Control+ArrowUp");
        await page.Locator("#txt2img-prompt").PressAsync("Control+ArrowDown");
        await Expect(page.Locator("#txt2img-prompt")).ToHaveValueAsync("a (lighthouse:1.2) on a cliff at sunset");
        // The demo checkpoint's own tokenizer counts the words (its vocabulary is not CLIP's, so no fixed number here).
        await Expect(page.Locator("#txt2img-token-counter")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\s*[1-9]\d*/75\s*$"));
        var clock = Stopwatch.StartNew();
        // The demo model makes all 30 steps in a blink: the worker holds after each step until the page has drawn
        // that step's preview, so the running state (Interrupt, live frames) is there to be seen.
        using var pacer = new JobPacer(app.Queue);
        await page.Locator("#txt2img-generate").ClickAsync();
        await Expect(page.Locator("#txt2img-interrupt")).ToBeVisibleAsync();
        for (int step = 1; step < 30 && (await Pages.PreviewFramesAsync(page)).Distinct().Count() < 3; step++)
        {
            int drawn = (await Pages.PreviewFramesAsync(page)).Length;
            pacer.Step();
            await page.WaitForFunctionAsync("n => window.__frames.length > n", drawn);
        }
        pacer.Release();
        await Expect(page.Locator("#txt2img-result-image")).ToBeVisibleAsync(new() { Timeout = Pages.Timeout });
        Console.WriteLine($"generation seen in the browser after {clock.ElapsedMilliseconds} ms");

        var frames = await Pages.PreviewFramesAsync(page);
        Console.WriteLine($"{frames.Length} frames, {frames.Distinct().Count()} distinct");
        Assert.True(frames.Distinct().Count() >= 3, $"expected at least 3 different preview frames, saw {frames.Distinct().Count()} of {frames.Length}");
        Assert.Equal(256, await page.Locator("#txt2img-result-image").EvaluateAsync<int>("img => img.naturalWidth"));
        await Expect(page.Locator("#txt2img-infotext")).ToContainTextAsync("a (lighthouse:1.2) on a cliff at sunset\nSteps: 30, Sampler: Euler");
        await Expect(page.Locator("#txt2img-generate")).ToBeVisibleAsync();
        Console.WriteLine($"txt2img done {t.ElapsedMilliseconds}");

        // Send to img2img: the picture and its parameters go across, and img2img runs on it.
        var added = new System.Collections.Concurrent.ConcurrentQueue<(Guid Id, WebUI.Diffusion.Pipelines.GenerationRequest Request)>();
        app.Queue.Changed += e =>
        {
            if (e.Kind == "added" && app.Queue.Get(e.JobId) is { } job) added.Enqueue((job.Id, job.Request));
        };
        // A small job can finish before the page shows Interrupt: follow it on the server instead.
        async Task<WebUI.Diffusion.Pipelines.GenerationRequest> NextJobAsync()
        {
            for (int i = 0; i < 600 && added.IsEmpty; i++) await Task.Delay(50);
            Assert.True(added.TryDequeue(out var job), "the page queued no job");
            await app.Queue.WaitAsync(job.Id).WaitAsync(TimeSpan.FromSeconds(60));
            await Expect(page.Locator("#img2img-generate")).ToBeVisibleAsync();
            return job.Request;
        }
        string txt2imgFile = Directory.GetFiles(Path.Combine(_data.Path, "outputs", "txt2img-images"), "*.png", SearchOption.AllDirectories).Single();
        await page.Locator("#txt2img-send-img2img").ClickAsync();
        await Expect(page.Locator("#img2img-image img")).ToBeVisibleAsync();
        await Expect(page.Locator("#img2img-prompt")).ToHaveValueAsync("a (lighthouse:1.2) on a cliff at sunset");
        await page.Locator("#img2img-generate").ClickAsync();
        var img2img = await NextJobAsync();
        await Expect(page.Locator("#img2img-result-image")).ToBeVisibleAsync();
        Assert.Equal(await File.ReadAllBytesAsync(txt2imgFile), img2img.InitImage);

        // Sketch: a stroke drawn in the browser is part of the init picture that reaches the server.
        await page.Locator("#img2img-sources .mud-tab").Nth(1).ClickAsync();
        await page.Locator("#sketch-image-file").SetInputFilesAsync(txt2imgFile);
        await page.Locator("#sketch-canvas[data-loaded='true']").WaitForAsync();
        var canvas = page.Locator("#sketch-canvas .webui-canvas-strokes");
        await canvas.ScrollIntoViewIfNeededAsync();
        var box = (await canvas.BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + box.Width * 0.2f, box.Y + box.Height * 0.5f);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + box.Width * 0.8f, box.Y + box.Height * 0.5f, new() { Steps = 8 });
        await page.Mouse.UpAsync();
        await page.Locator("#img2img-generate").ClickAsync();
        var sketch = await NextJobAsync();
        Assert.NotEqual(await File.ReadAllBytesAsync(txt2imgFile), sketch.InitImage);
        using (var drawn = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.Rgb24>(sketch.InitImage!))
        {
            Assert.Equal((256, 256), (drawn.Width, drawn.Height));
            // The default brush is white: the middle of the stroke is white now.
            Assert.Equal(new SixLabors.ImageSharp.PixelFormats.Rgb24(255, 255, 255), drawn[128, 128]);
        }

        // Inpaint: the mask painted in the browser goes with the picture, white where painted.
        await page.Locator("#img2img-sources .mud-tab").Nth(2).ClickAsync();
        await page.Locator("#inpaint-image-file").SetInputFilesAsync(txt2imgFile);
        await page.Locator("#inpaint-canvas[data-loaded='true']").WaitForAsync();
        var maskCanvas = page.Locator("#inpaint-canvas .webui-canvas-strokes");
        await maskCanvas.ScrollIntoViewIfNeededAsync();
        var maskBox = (await maskCanvas.BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(maskBox.X + maskBox.Width * 0.5f, maskBox.Y + maskBox.Height * 0.2f);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(maskBox.X + maskBox.Width * 0.5f, maskBox.Y + maskBox.Height * 0.8f, new() { Steps = 8 });
        await page.Mouse.UpAsync();
        await page.Locator("#img2img-generate").ClickAsync();
        var inpaint = await NextJobAsync();
        Assert.Equal(await File.ReadAllBytesAsync(txt2imgFile), inpaint.InitImage);
        using (var mask = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.L8>(inpaint.Mask!))
        {
            Assert.Equal((256, 256), (mask.Width, mask.Height));
            Assert.Equal(255, mask[128, 128].PackedValue); // painted
            Assert.Equal(0, mask[20, 128].PackedValue);    // not painted
        }
        await Expect(page.Locator("#img2img-infotext")).ToContainTextAsync("Mask blur: 4");

        // Pasting an infotext into a prompt box fills the fields (A1111's ↙ without the click).
        await page.Locator("#img2img-prompt").EvaluateAsync("""
            el => {
                const data = new DataTransfer();
                data.setData("text/plain", "a quiet harbour\nSteps: 17, Sampler: Euler a, CFG scale: 4.5, Seed: 99, Size: 320x192");
                el.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
            }
            """);
        await Expect(page.Locator("#img2img-steps")).ToHaveValueAsync("17");
        await Expect(page.Locator("#img2img-prompt")).ToHaveValueAsync("a quiet harbour");
        await Expect(page.Locator("#img2img-width")).ToHaveValueAsync("320");
        await Expect(page.Locator("#img2img-seed")).ToHaveValueAsync("99");

        // Dropping a generated PNG on a prompt box reads its parameters back.
        string pictureUrl = (await page.Locator("#txt2img-result-image").GetAttributeAsync("src"))!;
        await page.Locator("#img2img-prompt").EvaluateAsync("""
            async (el, url) => {
                const blob = await (await fetch(url)).blob();
                const data = new DataTransfer();
                data.items.add(new File([blob], "lighthouse.png", { type: "image/png" }));
                el.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
            }
            """, pictureUrl);
        await Expect(page.Locator("#img2img-prompt")).ToHaveValueAsync("a (lighthouse:1.2) on a cliff at sunset");
        await Expect(page.Locator("#img2img-steps")).ToHaveValueAsync("30");
        await Expect(page.Locator("#img2img-width")).ToHaveValueAsync("256");
        Console.WriteLine($"end {t.ElapsedMilliseconds}");
    }

    public void Dispose() => _data.Dispose();
}
