using System.Net;
using Microsoft.Extensions.DependencyInjection;
using WebUI.Api.Options;
using WebUI.Diffusion.Pipelines;
using WebUI.Generation;
using WebUI.History;
using WebUI.Hosting;
using WebUI.Storage;

namespace WebUI.Tests.Api;

/// <summary>The API saves through the app's one saver and shares its settings with the page (WebUI:Saving).</summary>
public sealed class ApiSavingTests
{
    [Fact]
    public async Task Saving_options_posted_to_the_api_are_the_settings_the_page_saves_with()
    {
        using var factory = new ApiFactory();
        using var client = factory.CreateClient();
        var live = factory.Services.GetRequiredService<SavingOptions>();
        var saver = factory.Services.GetRequiredService<ImageSaver>();
        Assert.Same(live, saver.Options);

        var set = await client.PostAsync("/sdapi/v1/options", ApiHttp.Json("""{"samples_format": "jpg", "outdir_txt2img_samples": "shots", "jpeg_quality": 91}"""));
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal(("jpg", "shots", 91), (live.SamplesFormat, live.OutdirTxt2ImgSamples, live.JpegQuality));

        // A generation from the page (the service's dated-folder saving) now writes JPEG into the posted folder.
        var service = factory.Services.GetRequiredService<GenerationService>();
        var outcome = await service.GenerateAsync(new GenerationRequest { Prompt = "a lighthouse", Steps = 2, Width = 64, Height = 64, Seed = 9 });
        string file = Assert.Single(outcome.Pictures).FilePath;
        Assert.Equal(Path.Combine(factory.DataDir, "shots", DateTime.Now.ToString("yyyy-MM-dd")), Path.GetDirectoryName(file));
        Assert.Equal(".jpg", Path.GetExtension(file));
        Assert.Equal([0xFF, 0xD8], File.ReadAllBytes(file)[..2]);

        // The other way: a change of the live settings (WebUI:Saving) is what the options show.
        live.GridFormat = "webp";
        var options = await ApiHttp.ReadJson(await client.GetAsync("/sdapi/v1/options"));
        Assert.Equal("webp", options.GetProperty("grid_format").GetString());
        Assert.Equal("shots", options.GetProperty("outdir_txt2img_samples").GetString());
        Assert.Equal(91, options.GetProperty("jpeg_quality").GetInt32());

        // Naming the default folder stores "follow the outputs folder"; it still shows as A1111 shows it.
        await client.PostAsync("/sdapi/v1/options", ApiHttp.Json("""{"outdir_txt2img_samples": "outputs/txt2img-images"}"""));
        Assert.Equal("", live.OutdirTxt2ImgSamples);
        options = await ApiHttp.ReadJson(await client.GetAsync("/sdapi/v1/options"));
        Assert.Equal("outputs/txt2img-images", options.GetProperty("outdir_txt2img_samples").GetString());

        // A value the saver would refuse is a 422 naming the key, and nothing changes.
        var bad = await client.PostAsync("/sdapi/v1/options", ApiHttp.Json("""{"samples_format": "png", "grid_background_color": "blue-ish"}"""));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Contains("grid_background_color", await bad.Content.ReadAsStringAsync());
        Assert.Equal(("jpg", "#ffffff"), (live.SamplesFormat, live.GridBackgroundColor));

        // What was set through the options is kept and wins over WebUI:Saving at the next start.
        var paths = factory.Services.GetRequiredService<WebUIPaths>();
        var fresh = new SavingOptions();
        _ = new LiteDbOptionsStore(factory.Services.GetRequiredService<AppDatabase>(), OptionCatalog.Create(paths), new SavingSettingsBinding(fresh, paths));
        Assert.Equal(("jpg", 91, ""), (fresh.SamplesFormat, fresh.JpegQuality, fresh.OutdirTxt2ImgSamples));
    }

    [Fact]
    public async Task A_saved_api_job_is_in_the_history_at_once_with_its_caller_and_is_served()
    {
        using var factory = new ApiFactory();
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.UserAgent.ParseAdd("history-probe/1.0");
        var response = await client.PostAsync("/sdapi/v1/txt2img", ApiHttp.Json("""
            {"prompt": "harbour", "steps": 2, "width": 64, "height": 64, "batch_size": 2, "seed": 40, "save_images": true}
            """));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // Right after the answer, without any reconcile: both pictures and the grid are indexed, with the API caller.
        var store = factory.Services.GetRequiredService<HistoryStore>();
        var paths = factory.Services.GetRequiredService<WebUIPaths>();
        string date = DateTime.Now.ToString("yyyy-MM-dd");
        string[] expected =
        [
            Path.Combine(paths.Txt2ImgDir, date, "00000-40.png"),
            Path.Combine(paths.Txt2ImgDir, date, "00001-41.png"),
            Path.Combine(paths.OutputsDir, "txt2img-grids", date, "grid-0000.png"),
        ];
        var records = expected.Select(p => store.FindByPath(p) ?? throw new Xunit.Sdk.XunitException($"{p} is not in the history")).ToList();
        Assert.Equal([ImageKinds.Txt2Img, ImageKinds.Txt2Img, ImageKinds.Grid], records.Select(r => r.Kind));
        Assert.All(records, r => Assert.StartsWith("history-probe @ ", r.User)); // the saver's record; a reconcile knows no user
        Assert.Equal([40L, 41L], records.Take(2).Select(r => r.Seed));
        Assert.Empty(Directory.EnumerateFiles(paths.OutputsDir, "*.tmp", SearchOption.AllDirectories));

        var image = await client.GetAsync(HistoryEndpoints.ImageUrl(records[1].Id));
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal(await File.ReadAllBytesAsync(expected[1]), await image.Content.ReadAsByteArrayAsync());
    }
}
