using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;
using WebUI.History;
using WebUI.Hosting;
using WebUI.Tests.Support;

namespace WebUI.Tests.History;

/// <summary>The real host on a temp data dir, sharing the demo model folder (no model build per factory).</summary>
public sealed class HistoryWebFactory(string modelsDir) : WebApplicationFactory<Program>
{
    readonly TempDirectory _data = new("webui-history-web");

    public string DataDir => _data.Path;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("WebUI:DataDir", _data.Path);
        builder.UseSetting("WebUI:ModelsDir", modelsDir);
        builder.UseSetting("WebUI:History:ReconcileOnStart", "false");
        builder.UseSetting("WebUI:History:WatchFolders", "false");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _data.Dispose();
    }
}

[Collection(DemoDataDirCollection.Name)]
public sealed class HistoryEndpointTests(DemoDataDir demo)
{
    [Fact]
    public async Task Thumbnails_and_pictures_are_served_by_id_and_nothing_outside_the_history_folders()
    {
        await using var factory = new HistoryWebFactory(demo.Paths.ModelsDir);
        using var client = factory.CreateClient();
        var paths = factory.Services.GetRequiredService<WebUIPaths>();
        var history = factory.Services.GetRequiredService<IHistoryService>();
        var store = factory.Services.GetRequiredService<HistoryStore>();

        string picture = HistoryTestData.Write(Path.Combine(paths.Txt2ImgDir, "2024-01-02", "00000-1.png"),
            HistoryTestData.Png(512, 384, HistoryTestData.Infotext("a harbour at dawn", 1, width: 512, height: 384)));
        using var outside = new TempDirectory("webui-outside");
        string secret = HistoryTestData.Write(outside.Combine("secret.png"), HistoryTestData.Png(16, 16, "secret"));
        // Links inside the outputs folder that lead out of it: a file link and a folder link.
        File.CreateSymbolicLink(Path.Combine(paths.Txt2ImgDir, "2024-01-02", "00001-2.png"), secret);
        Directory.CreateSymbolicLink(Path.Combine(paths.Txt2ImgDir, "linked"), outside.Path);

        var report = await history.ReconcileAsync();
        Assert.Equal(1, report.Added); // links are not followed
        int id = Assert.Single(history.Query(HistoryQuery.All, 0, 10).Items).Id;

        var thumb = await client.GetAsync(HistoryEndpoints.ThumbnailUrl(id));
        Assert.Equal(HttpStatusCode.OK, thumb.StatusCode);
        Assert.Equal("image/webp", thumb.Content.Headers.ContentType?.MediaType);
        var thumbInfo = Image.Identify(await thumb.Content.ReadAsByteArrayAsync());
        Assert.Equal((256, 192), (thumbInfo.Width, thumbInfo.Height));
        Assert.True(Directory.EnumerateFiles(Path.Combine(paths.DataDir, "cache", "thumbnails"), "*.webp", SearchOption.AllDirectories).Any());

        var image = await client.GetAsync(HistoryEndpoints.ImageUrl(id));
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await File.ReadAllBytesAsync(picture), await image.Content.ReadAsByteArrayAsync());
        var download = await client.GetAsync(HistoryEndpoints.DownloadUrl(id));
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("00000-1.png", download.Content.Headers.ContentDisposition?.FileName);

        // Entries pointing outside the folders (a stale entry, a forged one, a path through a link) are refused.
        foreach (string path in new[] { secret, Path.Combine(paths.Txt2ImgDir, "2024-01-02", "00001-2.png"), Path.Combine(paths.Txt2ImgDir, "linked", "secret.png") })
        {
            var forged = store.Add(new HistoryRecord { Path = path, Width = 16, Height = 16, Format = "PNG", CreatedUtc = DateTime.UtcNow });
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(HistoryEndpoints.ImageUrl(forged.Id))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(HistoryEndpoints.ThumbnailUrl(forged.Id))).StatusCode);
            Assert.Null(history.Delete(forged.Id)); // nothing outside is ever moved
            Assert.True(File.Exists(secret));
        }
        foreach (string url in new[]
        {
            "/history/image/999999", "/history/image/abc", "/history/thumb/-1", "/history/image/..%2F..%2Fwebui.db",
            "/history/image/1%2F..%2F..%2Fwebui.db", "/outputs/..%2F..%2Fwebui.db", "/outputs/txt2img-images/linked/secret.png",
        })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(url)).StatusCode);
        }

        // Deleted pictures are no longer served; undo serves them again.
        var recycled = history.Delete(id)!;
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(HistoryEndpoints.ImageUrl(id))).StatusCode);
        var back = history.Undo(recycled.Token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(HistoryEndpoints.ImageUrl(back.Id))).StatusCode);
    }

    [Fact]
    public async Task Pictures_generated_through_the_queue_are_indexed_at_once_with_their_user()
    {
        await using var factory = new HistoryWebFactory(demo.Paths.ModelsDir);
        using var client = factory.CreateClient();
        var queue = factory.Services.GetRequiredService<WebUI.Queue.IJobQueue>();
        var history = factory.Services.GetRequiredService<IHistoryService>();
        var job = queue.Enqueue(new WebUI.Diffusion.Pipelines.GenerationRequest
        {
            Prompt = "a quiet snowy village", Seed = 3, Steps = 2, Width = 64, Height = 64, BatchSize = 2,
        }, new WebUI.Queue.JobOwner("u1", "alice", WebUI.Queue.JobSource.Ui));
        var outcome = await queue.WaitAsync(job.Id);

        var page = history.Query(new HistoryQuery { Text = "snowy village" }, 0, 10);
        Assert.Equal(outcome.SavedPaths.Reverse(), page.Items.Select(i => history.Get(i.Id)!.Path));
        Assert.All(page.Items, i => Assert.Equal("alice", history.Get(i.Id)!.User));
        Assert.Equal(2, history.Query(new HistoryQuery { User = "alice" }, 0, 10).Total);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(HistoryEndpoints.ThumbnailUrl(page.Items[0].Id))).StatusCode);
    }
}
