using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using WebUI.Diffusion.Pipelines;
using WebUI.Generation;
using WebUI.Hosting;

namespace WebUI.Tests.Web;

public sealed partial class WebHostTests(WebUIFactory factory) : IClassFixture<WebUIFactory>
{
    [Fact]
    public async Task Root_page_is_served_with_the_txt2img_controls()
    {
        using var client = factory.CreateClient();
        var response = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<title>Stable Diffusion</title>", html);
        Assert.Contains("id=\"generate\"", html);
        Assert.Contains("id=\"prompt\"", html);
        Assert.Contains("Stable Diffusion checkpoint", html);
        Assert.Contains("data-interactive=\"false\"", html); // prerendered; the live circuit flips it to true
        Assert.Contains("_framework/blazor.web", html);
        Assert.DoesNotContain("fonts.googleapis", html);
    }

    [Fact]
    public async Task First_start_builds_the_demo_model_in_the_configured_data_dir()
    {
        using var client = factory.CreateClient(); // starts the host
        var paths = factory.Services.GetRequiredService<WebUIPaths>();
        Assert.Equal(Path.GetFullPath(factory.DataDir), paths.DataDir);
        Assert.True(Directory.Exists(Path.Combine(factory.DataDir, "models", "Stable-diffusion", "demo")));
        string html = await client.GetStringAsync("/");
        Assert.Contains("demo", html);
    }

    [Fact]
    public async Task MudBlazor_stylesheet_referenced_by_the_page_is_served()
    {
        using var client = factory.CreateClient();
        string html = await client.GetStringAsync("/");
        string href = StylesheetHref().Match(html).Groups[1].Value;
        Assert.StartsWith("_content/MudBlazor/MudBlazor.min", href);
        var css = await client.GetAsync("/" + href);
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        Assert.True((await css.Content.ReadAsByteArrayAsync()).Length > 100_000);
    }

    [Fact]
    public async Task Saved_pictures_are_served_and_nothing_outside_outputs()
    {
        using var client = factory.CreateClient();
        var paths = factory.Services.GetRequiredService<WebUIPaths>();
        string folder = Path.Combine(paths.Txt2ImgDir, "2024-01-02");
        Directory.CreateDirectory(folder);
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];
        await File.WriteAllBytesAsync(Path.Combine(folder, "00000-1.png"), png);
        await File.WriteAllTextAsync(Path.Combine(paths.DataDir, "secret.png"), "outside outputs");

        var ok = await client.GetAsync("/outputs/txt2img-images/2024-01-02/00000-1.png");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("image/png", ok.Content.Headers.ContentType?.MediaType);
        Assert.Equal(png, await ok.Content.ReadAsByteArrayAsync());

        foreach (string url in new[] { "/outputs/%2e%2e/secret.png", "/outputs/..%2fsecret.png", "/outputs/txt2img-images/2024-01-02/missing.png" })
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task The_generation_service_saves_under_outputs_and_the_host_serves_what_it_saved()
    {
        using var client = factory.CreateClient();
        // Scoped: in the web host the page's generation service enqueues on the shared job queue for the circuit's user.
        using var scope = factory.Services.CreateScope();
        var service = scope.ServiceProvider.GetRequiredService<IGenerationService>();
        Assert.Contains(service.ListCheckpoints(), c => c.Name == "demo");

        var steps = new List<JobProgress>();
        var outcome = await service.GenerateAsync(
            new GenerationRequest { Prompt = "a lighthouse", Seed = 3, Steps = 4, Width = 64, Height = 64, BatchSize = 2 },
            p => { lock (steps) steps.Add(p); });

        Assert.Equal([3L, 4L], outcome.Pictures.Select(p => p.Seed));
        Assert.Equal(4, steps.Max(p => p.Step));
        Assert.All(steps, p => Assert.Equal(4, p.Steps));
        foreach (var picture in outcome.Pictures)
        {
            Assert.StartsWith(Path.Combine(factory.DataDir, "outputs", "txt2img-images"), picture.FilePath);
            var response = await client.GetAsync(picture.Url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(await File.ReadAllBytesAsync(picture.FilePath), await response.Content.ReadAsByteArrayAsync());
        }
        Assert.Equal(outcome.Pictures[0].Infotext, await File.ReadAllTextAsync(Path.Combine(factory.DataDir, "params.txt")));
    }

    [GeneratedRegex("<link rel=\"stylesheet\" href=\"(_content/MudBlazor/[^\"]+)\"")]
    private static partial Regex StylesheetHref();
}
