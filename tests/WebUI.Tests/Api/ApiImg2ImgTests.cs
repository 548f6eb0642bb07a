using System.Net;
using System.Text.Json;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using WebUI.Diffusion.Imaging;

namespace WebUI.Tests.Api;

public sealed class ApiImg2ImgTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    static string SourcePng(int width, int height)
    {
        using var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                image[x, y] = new Rgb24((byte)(x * 4), (byte)(y * 4), 128);
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return Convert.ToBase64String(stream.ToArray());
    }

    [Fact]
    public async Task Img2img_takes_a_data_url_and_a_mask()
    {
        using var client = factory.CreateClient();
        string source = SourcePng(48, 40);
        var response = await client.PostAsync("/sdapi/v1/img2img", ApiHttp.Json(new Dictionary<string, object>
        {
            ["init_images"] = new[] { "data:image/png;base64," + source },
            ["mask"] = source,
            ["prompt"] = "a painting",
            ["steps"] = 4,
            ["width"] = 64,
            ["height"] = 64,
            ["denoising_strength"] = 0.5,
            ["resize_mode"] = 1,
            ["seed"] = 9,
        }));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var body = JsonDocument.Parse(text).RootElement;
        byte[] png = Convert.FromBase64String(body.GetProperty("images")[0].GetString()!);
        // inpaint_full_res defaults to true in the API ("Only masked"): the repainted crop is pasted back into the
        // init image, so the answer has the init image's size, as in A1111.
        using (var result = Image.Load<Rgb24>(png)) Assert.Equal((48, 40), (result.Width, result.Height));
        Assert.Contains("Denoising strength: 0.5", PngText.ReadParameters(png));
        // include_init_images false: the echo leaves the (large) images out, as A1111 does.
        Assert.Equal(JsonValueKind.Null, body.GetProperty("parameters").GetProperty("init_images").ValueKind);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("parameters").GetProperty("mask").ValueKind);
        Assert.Equal(0.5, body.GetProperty("parameters").GetProperty("denoising_strength").GetDouble());
        using var info = JsonDocument.Parse(body.GetProperty("info").GetString()!);
        Assert.Equal(0.5, info.RootElement.GetProperty("denoising_strength").GetDouble());
        Assert.Empty(info.RootElement.GetProperty("warnings").EnumerateArray()); // the mask is used, not reported
        Assert.Contains("Mask blur: 4", PngText.ReadParameters(png));
    }

    [Fact]
    public async Task Save_images_writes_pictures_and_a_grid_in_the_configured_format_and_folders()
    {
        using var client = factory.CreateClient();
        var response = await client.PostAsync("/sdapi/v1/txt2img", ApiHttp.Json("""
            {"prompt": "boats", "steps": 2, "width": 64, "height": 64, "batch_size": 2, "seed": 100, "save_images": true,
             "override_settings": {"samples_format": "webp", "outdir_txt2img_samples": "custom/samples"}}
            """));
        var body = await ApiHttp.ReadJson(response);
        var images = body.GetProperty("images").EnumerateArray().Select(i => Convert.FromBase64String(i.GetString()!)).ToList();
        Assert.Equal(3, images.Count); // grid first (return_grid), then the two pictures
        using (var grid = Image.Load<Rgb24>(images[0])) Assert.Equal((128, 64), (grid.Width, grid.Height));
        Assert.All(images, i => Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(i, 0, 4)));
        using var info = JsonDocument.Parse(body.GetProperty("info").GetString()!);
        Assert.Equal(1, info.RootElement.GetProperty("index_of_first_image").GetInt32());
        Assert.Equal(3, info.RootElement.GetProperty("infotexts").GetArrayLength());

        string date = DateTime.Now.ToString("yyyy-MM-dd");
        var saved = Directory.GetFiles(Path.Combine(factory.DataDir, "custom", "samples", date)).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["00000-100.webp", "00001-101.webp"], saved);
        Assert.Contains("Seed: 101", PngText.ReadParameters(File.ReadAllBytes(Path.Combine(factory.DataDir, "custom", "samples", date, "00001-101.webp"))));
        var grids = Directory.GetFiles(Path.Combine(factory.DataDir, "outputs", "txt2img-grids", date)).Select(Path.GetFileName).ToList();
        Assert.Equal(["grid-0000.png"], grids);

        // The override was for that job only.
        var options = await ApiHttp.ReadJson(await client.GetAsync("/sdapi/v1/options"));
        Assert.Equal("png", options.GetProperty("samples_format").GetString());
    }

    [Fact]
    public async Task Override_settings_can_be_kept_and_infotext_fills_unset_fields()
    {
        using var client = factory.CreateClient();
        var response = await client.PostAsync("/sdapi/v1/txt2img", ApiHttp.Json("""
            {"infotext": "a fox\nNegative prompt: dull\nSteps: 3, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 5.5, Seed: 77, Size: 64x72, RNG: NV, Clip skip: 1",
             "seed": 78, "send_images": false, "override_settings": {"eta_ddim": 0.25}, "override_settings_restore_afterwards": false,
             "alwayson_scripts": {"seed": {"args": [79, false]}}, "tiling": true}
            """));
        var body = await ApiHttp.ReadJson(response);
        Assert.Empty(body.GetProperty("images").EnumerateArray());
        using var info = JsonDocument.Parse(body.GetProperty("info").GetString()!);
        var root = info.RootElement;
        string infotext = root.GetProperty("infotexts")[0].GetString()!;
        Assert.Equal("a fox\nNegative prompt: dull\nSteps: 3, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 5.5, Seed: 79, Size: 64x72, Model hash: "
            + infotext.Split("Model hash: ")[1], infotext);
        Assert.EndsWith("Model: demo, RNG: NV", infotext);
        Assert.Equal(79, root.GetProperty("seed").GetInt64()); // the always-on Seed script wins over the body
        Assert.Equal("Karras", root.GetProperty("extra_generation_params").GetProperty("Schedule type").GetString());
        Assert.Contains(root.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.StartsWith("tiling:"));

        var options = await ApiHttp.ReadJson(await client.GetAsync("/sdapi/v1/options"));
        Assert.Equal(0.25, options.GetProperty("eta_ddim").GetDouble()); // kept: restore_afterwards was false
        // A1111 adds the infotext's settings to override_settings, so they are kept as well.
        Assert.Equal("NV", options.GetProperty("randn_source").GetString());
        await client.PostAsync("/sdapi/v1/options", ApiHttp.Json("""{"randn_source": "GPU", "eta_ddim": 0.0}"""));
    }
}
