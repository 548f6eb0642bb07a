using System.Net;
using System.Text.Json;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using WebUI.Diffusion.Imaging;

namespace WebUI.Tests.Api;

public sealed class ApiCatalogTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Samplers_and_schedulers_are_listed_with_A1111_shapes()
    {
        using var client = factory.CreateClient();
        var samplers = await ApiHttp.ReadJson(await client.GetAsync("/sdapi/v1/samplers"));
        var first = samplers[0];
        Assert.Equal(["name", "aliases", "options"], ApiHttp.Keys(first));
        Assert.Equal("DPM++ 2M", first.GetProperty("name").GetString());
        Assert.Equal("karras", first.GetProperty("options").GetProperty("scheduler").GetString());
        var euler = samplers.EnumerateArray().Single(s => s.GetProperty("name").GetString() == "Euler a");
        Assert.Equal(["k_euler_a", "k_euler_ancestral"], euler.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("True", euler.GetProperty("options").GetProperty("uses_ensd").GetString());

        var schedulers = await ApiHttp.ReadJson(await client.GetAsync("/sdapi/v1/schedulers"));
        Assert.Equal(["name", "label", "aliases", "default_rho", "need_inner_model"], ApiHttp.Keys(schedulers[0]));
        var karras = schedulers.EnumerateArray().Single(s => s.GetProperty("name").GetString() == "karras");
        Assert.Equal(7.0, karras.GetProperty("default_rho").GetDouble());
        Assert.Equal(JsonValueKind.Null, karras.GetProperty("aliases").ValueKind);
        Assert.Contains("\"default_rho\":-1.0", await client.GetStringAsync("/sdapi/v1/schedulers"));
    }

    [Fact]
    public async Task Models_are_listed_with_titles_and_options_select_and_persist_them()
    {
        using var client = factory.CreateClient();
        var models = await ApiHttp.ReadJson(await client.GetAsync("/sdapi/v1/sd-models"));
        var demo = Assert.Single(models.EnumerateArray());
        Assert.Equal(["title", "model_name", "hash", "sha256", "filename", "config"], ApiHttp.Keys(demo));
        string hash = demo.GetProperty("hash").GetString()!;
        Assert.Matches("^[0-9a-f]{10}$", hash);
        Assert.Equal($"demo [{hash}]", demo.GetProperty("title").GetString());
        Assert.Equal(Path.Combine(factory.ModelsDir, "Stable-diffusion", "demo"), demo.GetProperty("filename").GetString());
        Assert.Equal("null", await (await client.PostAsync("/sdapi/v1/refresh-checkpoints", null)).Content.ReadAsStringAsync());

        var options = await ApiHttp.ReadJson(await client.GetAsync("/sdapi/v1/options"));
        Assert.Equal($"demo [{hash}]", options.GetProperty("sd_model_checkpoint").GetString());
        Assert.Equal("png", options.GetProperty("samples_format").GetString());
        Assert.Equal("outputs/txt2img-images", options.GetProperty("outdir_txt2img_samples").GetString());
        Assert.Equal("GPU", options.GetProperty("randn_source").GetString());
        Assert.Equal(1, options.GetProperty("CLIP_stop_at_last_layers").GetInt32());
        foreach (string key in new[] { "eta_ancestral", "eta_ddim", "sd_vae", "outdir_img2img_samples", "outdir_samples", "outdir_txt2img_grids" })
            Assert.True(options.TryGetProperty(key, out _), key);

        var set = await client.PostAsync("/sdapi/v1/options", ApiHttp.Json("""{"samples_format": "jpg", "randn_source": "CPU", "eta_ancestral": 0.5, "sd_model_checkpoint": "demo"}"""));
        Assert.Equal("null", await set.Content.ReadAsStringAsync());
        options = await ApiHttp.ReadJson(await client.GetAsync("/sdapi/v1/options"));
        Assert.Equal("jpg", options.GetProperty("samples_format").GetString());
        Assert.Equal(0.5, options.GetProperty("eta_ancestral").GetDouble());

        var bad = await client.PostAsync("/sdapi/v1/options", ApiHttp.Json("""{"sd_model_checkpoint": "ghost"}"""));
        Assert.Equal(HttpStatusCode.NotFound, bad.StatusCode);
        Assert.Equal("model 'ghost' not found", (await ApiHttp.ReadJson(bad)).GetProperty("detail").GetString());

        // The settings are in force for API jobs: JPEG output, CPU RNG and eta from the options.
        var job = await ApiHttp.ReadJson(await client.PostAsync("/sdapi/v1/txt2img",
            ApiHttp.Json("""{"prompt": "p", "steps": 2, "width": 64, "height": 64, "seed": 5, "sampler_name": "Euler a"}""")));
        byte[] image = Convert.FromBase64String(job.GetProperty("images")[0].GetString()!);
        Assert.Equal([0xFF, 0xD8], image[..2]);
        string infotext = PngText.ReadParameters(image)!;
        Assert.Contains("RNG: CPU", infotext);
        Assert.Contains("Eta: 0.5", infotext);

        await client.PostAsync("/sdapi/v1/options", ApiHttp.Json("""{"samples_format": "png", "randn_source": "GPU", "eta_ancestral": 1.0}"""));
    }

    [Fact]
    public async Task Png_info_reads_back_what_txt2img_wrote()
    {
        using var client = factory.CreateClient();
        var job = await ApiHttp.ReadJson(await client.PostAsync("/sdapi/v1/txt2img",
            ApiHttp.Json("""{"prompt": "a cat, (tabby:1.2)", "steps": 2, "width": 64, "height": 64, "seed": 11}""")));
        string b64 = job.GetProperty("images")[0].GetString()!;
        var info = await ApiHttp.ReadJson(await client.PostAsync("/sdapi/v1/png-info", ApiHttp.Json(new { image = "data:image/png;base64," + b64 })));
        Assert.Equal(["info", "items", "parameters"], ApiHttp.Keys(info));
        Assert.StartsWith("a cat, (tabby:1.2)\nSteps: 2, Sampler: Euler", info.GetProperty("info").GetString());
        Assert.Equal("11", info.GetProperty("parameters").GetProperty("Seed").GetString());
        Assert.Equal("7.0", info.GetProperty("parameters").GetProperty("CFG scale").GetString());

        var empty = await ApiHttp.ReadJson(await client.PostAsync("/sdapi/v1/png-info", ApiHttp.Json("""{"image": ""}""")));
        Assert.Equal("", empty.GetProperty("info").GetString());
    }

    [Fact]
    public async Task Styles_are_listed_and_applied_to_prompts()
    {
        await File.WriteAllTextAsync(Path.Combine(factory.DataDir, "styles.csv"),
            "name,prompt,negative_prompt\nCinematic,\"{prompt}, film grain\",blurry\n\"Plain, quoted\",oil painting,\n");
        using var client = factory.CreateClient();
        var styles = await ApiHttp.ReadJson(await client.GetAsync("/sdapi/v1/prompt-styles"));
        Assert.Equal(2, styles.GetArrayLength());
        Assert.Equal(["name", "prompt", "negative_prompt"], ApiHttp.Keys(styles[0]));
        Assert.Equal("Plain, quoted", styles[1].GetProperty("name").GetString());

        var job = await ApiHttp.ReadJson(await client.PostAsync("/sdapi/v1/txt2img", ApiHttp.Json(
            """{"prompt": "a ship", "negative_prompt": "text", "styles": ["Cinematic", "Plain, quoted", "Missing"], "steps": 1, "width": 64, "height": 64}""")));
        using var info = JsonDocument.Parse(job.GetProperty("info").GetString()!);
        Assert.Equal("a ship, film grain, oil painting", info.RootElement.GetProperty("prompt").GetString());
        Assert.Equal("text, blurry", info.RootElement.GetProperty("negative_prompt").GetString());
        Assert.Contains(info.RootElement.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("'Missing' not found"));
    }

    [Fact]
    public async Task The_other_lists_answer_with_A1111_shapes()
    {
        using var client = factory.CreateClient();
        var embeddings = await ApiHttp.ReadJson(await client.GetAsync("/sdapi/v1/embeddings"));
        Assert.Equal(["loaded", "skipped"], ApiHttp.Keys(embeddings));
        var upscalers = await ApiHttp.ReadJson(await client.GetAsync("/sdapi/v1/upscalers"));
        Assert.Equal(["name", "model_name", "model_path", "model_url", "scale"], ApiHttp.Keys(upscalers[0]));
        Assert.Equal("None", upscalers[0].GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Array, (await ApiHttp.ReadJson(await client.GetAsync("/sdapi/v1/extensions"))).ValueKind);
        Assert.Equal(JsonValueKind.Array, (await ApiHttp.ReadJson(await client.GetAsync("/sdapi/v1/sd-vae"))).ValueKind);
        var memory = await ApiHttp.ReadJson(await client.GetAsync("/sdapi/v1/memory"));
        Assert.True(memory.GetProperty("ram").GetProperty("used").GetDouble() > 0);
        Assert.True(memory.GetProperty("ram").GetProperty("total").GetDouble() >= memory.GetProperty("ram").GetProperty("used").GetDouble());
        Assert.Equal("unavailable", memory.GetProperty("cuda").GetProperty("error").GetString());
        var flags = await ApiHttp.ReadJson(await client.GetAsync("/sdapi/v1/cmd-flags"));
        Assert.Equal(factory.DataDir, flags.GetProperty("data_dir").GetString());
        Assert.Equal(JsonValueKind.Null, flags.GetProperty("api_auth").ValueKind);
        var scripts = await ApiHttp.ReadJson(await client.GetAsync("/sdapi/v1/scripts"));
        Assert.Contains("seed", scripts.GetProperty("txt2img").EnumerateArray().Select(s => s.GetString()));

        // Off by default, like A1111 without --api-server-stop.
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/sdapi/v1/server-kill", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/sdapi/v1/server-restart", null)).StatusCode);
        Assert.True((await client.GetAsync("/sdapi/v1/progress")).Headers.Contains("X-Process-Time"));
    }

    [Fact]
    public async Task The_OpenAPI_document_and_docs_page_describe_the_routes()
    {
        using var client = factory.CreateClient();
        var document = await ApiHttp.ReadJson(await client.GetAsync("/openapi.json"));
        var paths = document.GetProperty("paths");
        foreach (string route in new[] { "/sdapi/v1/txt2img", "/sdapi/v1/img2img", "/sdapi/v1/progress", "/sdapi/v1/options", "/sdapi/v1/sd-models", "/sdapi/v1/png-info" })
            Assert.True(paths.TryGetProperty(route, out _), route);
        Assert.False(paths.TryGetProperty("/", out _));
        string openapi = document.GetRawText();
        Assert.Contains("\"override_settings\"", openapi);
        Assert.Contains("\"sampler_index\"", openapi);

        var docs = await client.GetAsync("/docs/index.html");
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        string html = await docs.Content.ReadAsStringAsync();
        Assert.Contains("swagger-ui", html);
        Assert.DoesNotContain("https://", html.Split("<body")[0].Replace("https://www.w3.org", "")); // assets are local
        var redirect = await client.GetAsync("/docs");
        Assert.True(redirect.IsSuccessStatusCode || redirect.StatusCode is HttpStatusCode.MovedPermanently or HttpStatusCode.Redirect);
    }
}
