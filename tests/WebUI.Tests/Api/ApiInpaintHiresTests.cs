using System.Net;
using System.Text.Json;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using WebUI.Diffusion.Imaging;

namespace WebUI.Tests.Api;

/// <summary>Inpainting (img2img with a mask) and the hires fix through the API, on the demo checkpoint.</summary>
public sealed class ApiInpaintHiresTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    const int Side = 64, MaskFrom = 24, MaskTo = 40; // a white 16×16 square in the middle of the mask

    static string Png(Image<Rgb24> image)
    {
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return Convert.ToBase64String(stream.ToArray());
    }

    static Image<Rgb24> InitImage()
    {
        var image = new Image<Rgb24>(Side, Side);
        for (int y = 0; y < Side; y++)
            for (int x = 0; x < Side; x++)
                image[x, y] = new Rgb24((byte)(x * 4), (byte)(y * 4), (byte)(255 - x * 2));
        return image;
    }

    static string Mask()
    {
        using var mask = new Image<Rgb24>(Side, Side);
        for (int y = MaskFrom; y < MaskTo; y++)
            for (int x = MaskFrom; x < MaskTo; x++)
                mask[x, y] = new Rgb24(255, 255, 255);
        return Png(mask);
    }

    static bool InSquare(int x, int y, int margin) =>
        x >= MaskFrom - margin && x < MaskTo + margin && y >= MaskFrom - margin && y < MaskTo + margin;

    async Task<(Image<Rgb24> Image, string Infotext, JsonElement Info)> Run(string route, Dictionary<string, object> body)
    {
        using var client = factory.CreateClient();
        var response = await client.PostAsync(route, ApiHttp.Json(body));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var root = JsonDocument.Parse(text).RootElement;
        byte[] png = Convert.FromBase64String(root.GetProperty("images")[0].GetString()!);
        var info = JsonDocument.Parse(root.GetProperty("info").GetString()!).RootElement.Clone();
        return (Image.Load<Rgb24>(png), PngText.ReadParameters(png)!, info);
    }

    [Fact]
    public async Task Inpainting_with_the_API_defaults_repaints_only_the_masked_square()
    {
        using var init = InitImage();
        // API defaults: inpainting_fill 0 (fill), inpaint_full_res true ("Only masked"), padding 0, mask_blur 4.
        var (result, infotext, info) = await Run("/sdapi/v1/img2img", new()
        {
            ["init_images"] = new[] { Png(init) }, ["mask"] = Mask(), ["prompt"] = "a sunset", ["steps"] = 4,
            ["width"] = Side, ["height"] = Side, ["denoising_strength"] = 1.0, ["seed"] = 3,
        });
        using (result)
        {
            Assert.Equal((Side, Side), (result.Width, result.Height));
            int changed = 0;
            for (int y = 0; y < Side; y++)
                for (int x = 0; x < Side; x++)
                {
                    // Beyond the blur's reach (radius 2·int(2.5·4 + 0.5) / 2 = 10) the original is pasted back exactly.
                    if (!InSquare(x, y, 11)) Assert.True(init[x, y] == result[x, y], $"pixel {x},{y} changed outside the mask");
                    else if (InSquare(x, y, -4) && Distance(init[x, y], result[x, y]) > 24) changed++;
                }
            Assert.True(changed > 20, $"only {changed} pixels inside the mask were repainted");
        }
        Assert.Contains("Mask blur: 4", infotext);
        Assert.Contains("Inpaint area: Only masked", infotext);
        Assert.Contains("Masked area padding: 0", infotext);
        Assert.Empty(info.GetProperty("warnings").EnumerateArray());
    }

    [Fact]
    public async Task Inverted_mask_on_the_whole_picture_keeps_the_square_and_repaints_around_it()
    {
        using var init = InitImage();
        var (result, infotext, _) = await Run("/sdapi/v1/img2img", new()
        {
            ["init_images"] = new[] { Png(init) }, ["mask"] = "data:image/png;base64," + Mask(), ["prompt"] = "a forest",
            ["steps"] = 3, ["width"] = Side, ["height"] = Side, ["denoising_strength"] = 1.0, ["seed"] = 5,
            ["inpainting_mask_invert"] = 1, ["inpaint_full_res"] = false, ["mask_blur"] = 0, ["inpainting_fill"] = 1,
        });
        using (result)
        {
            int changed = 0;
            for (int y = 0; y < Side; y++)
                for (int x = 0; x < Side; x++)
                {
                    if (InSquare(x, y, 0)) Assert.True(init[x, y] == result[x, y], $"pixel {x},{y} of the kept square changed");
                    else if (Distance(init[x, y], result[x, y]) > 24) changed++;
                }
            Assert.True(changed > 500, $"only {changed} pixels around the square were repainted");
        }
        Assert.Contains("Mask mode: Inpaint not masked", infotext);
        Assert.DoesNotContain("Mask blur", infotext); // A1111 writes it only when the blur is not 0
        Assert.DoesNotContain("Inpaint area", infotext);
    }

    static int Distance(Rgb24 a, Rgb24 b) => Math.Abs(a.R - b.R) + Math.Abs(a.G - b.G) + Math.Abs(a.B - b.B);

    [Fact]
    public async Task Hires_fix_doubles_the_size_and_records_it_in_the_infotext()
    {
        var (result, infotext, info) = await Run("/sdapi/v1/txt2img", new()
        {
            ["prompt"] = "a lighthouse", ["steps"] = 3, ["width"] = Side, ["height"] = Side, ["seed"] = 21,
            ["enable_hr"] = true, ["hr_scale"] = 2, ["denoising_strength"] = 0.5, ["hr_second_pass_steps"] = 2,
        });
        using (result) Assert.Equal((2 * Side, 2 * Side), (result.Width, result.Height));
        Assert.Contains("Hires upscale: 2", infotext);
        Assert.Contains("Denoising strength: 0.5", infotext);
        Assert.Contains("Hires steps: 2", infotext);
        Assert.DoesNotContain("Hires upscaler", infotext); // hr_upscaler null: A1111 uses "Latent" and writes no key
        Assert.Contains("Size: 64x64", infotext); // the first pass's size, as A1111 records it
        Assert.Equal(Side, info.GetProperty("width").GetInt32());
        Assert.Equal(0.5, info.GetProperty("denoising_strength").GetDouble());
        Assert.Empty(info.GetProperty("warnings").EnumerateArray());
    }

    [Fact]
    public async Task Firstphase_size_becomes_the_first_pass_and_a_missing_denoising_strength_is_reported()
    {
        var (result, infotext, info) = await Run("/sdapi/v1/txt2img", new()
        {
            ["prompt"] = "a lighthouse", ["steps"] = 2, ["width"] = 512, ["height"] = 512, ["seed"] = 22,
            ["firstphase_width"] = 64, ["firstphase_height"] = 48, ["enable_hr"] = true, ["hr_scale"] = 1.5,
            ["hr_upscaler"] = "Lanczos", ["hr_sampler_name"] = "Euler a",
        });
        using (result) Assert.Equal((96, 72), (result.Width, result.Height));
        Assert.Contains("Size: 64x48", infotext);
        Assert.Contains("Hires upscaler: Lanczos", infotext);
        Assert.Contains("Hires sampler: Euler a", infotext);
        Assert.Contains($"Denoising strength: {PythonText.Str(WebUI.Api.ProcessingMapper.DefaultHiresDenoisingStrength)}", infotext);
        Assert.Contains(info.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.StartsWith("denoising_strength:"));
    }

    [Fact]
    public async Task Hires_infotext_fills_and_enables_the_hires_fields()
    {
        var (result, infotext, _) = await Run("/sdapi/v1/txt2img", new()
        {
            ["infotext"] = "a lighthouse\nSteps: 2, Sampler: Euler, CFG scale: 7, Seed: 4, Size: 64x48, Denoising strength: 0.6, Hires resize: 96x0, Hires upscaler: Nearest",
        });
        using (result) Assert.Equal((96, 72), (result.Width, result.Height));
        Assert.Contains("Denoising strength: 0.6", infotext);
        Assert.Contains("Hires resize: 96x0", infotext);
        Assert.Contains("Hires upscaler: Nearest", infotext);
    }

    [Fact]
    public async Task Bad_mask_and_inpainting_or_hires_values_are_refused()
    {
        using var client = factory.CreateClient();
        using var init = InitImage();
        string initPng = Png(init);

        var notBase64 = await client.PostAsync("/sdapi/v1/img2img", ApiHttp.Json(new Dictionary<string, object>
            { ["init_images"] = new[] { initPng }, ["mask"] = "%%%not base64%%%", ["steps"] = 1 }));
        Assert.Equal(HttpStatusCode.BadRequest, notBase64.StatusCode);
        Assert.StartsWith("Invalid encoded image: mask", (await ApiHttp.ReadJson(notBase64)).GetProperty("detail").GetString());

        var notImage = await client.PostAsync("/sdapi/v1/img2img", ApiHttp.Json(new Dictionary<string, object>
            { ["init_images"] = new[] { initPng }, ["mask"] = Convert.ToBase64String("hello, not a picture"u8.ToArray()), ["steps"] = 1 }));
        Assert.Equal(HttpStatusCode.BadRequest, notImage.StatusCode);

        var ranges = await client.PostAsync("/sdapi/v1/img2img", ApiHttp.Json(new Dictionary<string, object>
        {
            ["init_images"] = new[] { initPng }, ["mask"] = Mask(), ["steps"] = 1, ["mask_blur"] = -1, ["inpainting_fill"] = 7,
            ["inpainting_mask_invert"] = 2, ["resize_mode"] = 3,
        }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, ranges.StatusCode);
        var fields = (await ApiHttp.ReadJson(ranges)).GetProperty("detail").EnumerateArray().Select(e => e.GetProperty("loc")[1].GetString()).ToList();
        Assert.Equal(["mask_blur", "inpainting_fill", "inpainting_mask_invert", "resize_mode"], fields);

        var hires = await client.PostAsync("/sdapi/v1/txt2img", ApiHttp.Json("""{"steps": 1, "enable_hr": true, "hr_scale": 0, "hr_second_pass_steps": -1, "firstphase_width": 60}"""));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, hires.StatusCode);
        fields = (await ApiHttp.ReadJson(hires)).GetProperty("detail").EnumerateArray().Select(e => e.GetProperty("loc")[1].GetString()).ToList();
        Assert.Equal(["firstphase_width", "firstphase_height", "hr_scale", "hr_second_pass_steps"], fields);

        var upscaler = await client.PostAsync("/sdapi/v1/txt2img", ApiHttp.Json("""{"steps": 1, "width": 64, "height": 64, "enable_hr": true, "denoising_strength": 0.5, "hr_upscaler": "ESRGAN_4x"}"""));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, upscaler.StatusCode);
        Assert.Contains("Could not find upscaler named ESRGAN_4x", await upscaler.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Upscaler_lists_are_the_engines_hires_choices()
    {
        using var client = factory.CreateClient();
        var upscalers = await ApiHttp.ReadJson(await client.GetAsync("/sdapi/v1/upscalers"));
        Assert.Equal(["None", "Lanczos", "Nearest"], upscalers.EnumerateArray().Select(u => u.GetProperty("name").GetString()));
        var latent = await ApiHttp.ReadJson(await client.GetAsync("/sdapi/v1/latent-upscale-modes"));
        Assert.Equal(["Latent", "Latent (antialiased)", "Latent (bicubic)", "Latent (bicubic antialiased)", "Latent (nearest)", "Latent (nearest-exact)"],
            latent.EnumerateArray().Select(u => u.GetProperty("name").GetString()));
    }
}
