using System.Net;
using System.Text.Json;
using WebUI.Diffusion.Imaging;

namespace WebUI.Tests.Api;

public sealed class ApiTxt2ImgTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    static readonly string[] InfoKeys =
    [
        "prompt", "all_prompts", "negative_prompt", "all_negative_prompts", "seed", "all_seeds", "subseed", "all_subseeds",
        "subseed_strength", "width", "height", "sampler_name", "cfg_scale", "steps", "batch_size", "restore_faces",
        "face_restoration_model", "sd_model_name", "sd_model_hash", "sd_vae_name", "sd_vae_hash", "seed_resize_from_w",
        "seed_resize_from_h", "denoising_strength", "extra_generation_params", "index_of_first_image", "infotexts", "styles",
        "job_timestamp", "clip_skip", "is_using_inpainting_conditioning", "version", "warnings",
    ];

    [Fact]
    public async Task Txt2img_on_the_demo_model_answers_like_A1111()
    {
        using var client = factory.CreateClient();
        var response = await client.PostAsync("/sdapi/v1/txt2img", ApiHttp.Json("""
            {"prompt": "a lighthouse", "negative_prompt": "fog", "seed": 42, "steps": 3, "width": 64, "height": 64, "batch_size": 2, "unknown_field": 1}
            """));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var body = await ApiHttp.ReadJson(response);
        Assert.Equal(["images", "parameters", "info"], ApiHttp.Keys(body));

        var images = body.GetProperty("images").EnumerateArray().Select(e => Convert.FromBase64String(e.GetString()!)).ToList();
        Assert.Equal(2, images.Count);
        string infotext = PngText.ReadParameters(images[0])!;
        // API defaults: sampler_index "Euler"; CFG written as a float; seeds consecutive.
        Assert.Equal("a lighthouse\nNegative prompt: fog\nSteps: 3, Sampler: Euler, Schedule type: Automatic, CFG scale: 7.0, Seed: 42, Size: 64x64, Model hash: "
            + infotext.Split("Model hash: ")[1], infotext);
        Assert.Contains("Seed: 43,", PngText.ReadParameters(images[1]));

        // parameters: the request echoed with every default, in A1111's field order.
        var parameters = body.GetProperty("parameters");
        var keys = ApiHttp.Keys(parameters);
        Assert.Equal("prompt", keys[0]);
        Assert.True(keys.IndexOf("steps") < keys.IndexOf("enable_hr") && keys.IndexOf("enable_hr") < keys.IndexOf("sampler_index"));
        Assert.DoesNotContain("unknown_field", keys);
        Assert.Equal(3, parameters.GetProperty("steps").GetInt32());
        Assert.Equal("Euler", parameters.GetProperty("sampler_index").GetString());
        Assert.Equal(JsonValueKind.Null, parameters.GetProperty("sampler_name").ValueKind);
        Assert.Equal(-1, parameters.GetProperty("subseed").GetInt64());
        Assert.False(parameters.GetProperty("save_images").GetBoolean());
        Assert.Contains("\"cfg_scale\":7.0", text); // Python float form

        // info: a JSON *string* with A1111's keys in order.
        Assert.Equal(JsonValueKind.String, body.GetProperty("info").ValueKind);
        string infoText = body.GetProperty("info").GetString()!;
        Assert.StartsWith("{\"prompt\": \"a lighthouse\", \"all_prompts\": [", infoText); // json.dumps spacing
        using var info = JsonDocument.Parse(infoText);
        Assert.Equal(InfoKeys, ApiHttp.Keys(info.RootElement));
        Assert.Equal([42L, 43L], info.RootElement.GetProperty("all_seeds").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal("Euler", info.RootElement.GetProperty("sampler_name").GetString());
        Assert.Equal("demo", info.RootElement.GetProperty("sd_model_name").GetString());
        Assert.Equal(infotext, info.RootElement.GetProperty("infotexts")[0].GetString());
        Assert.Matches("^[0-9]{14}$", info.RootElement.GetProperty("job_timestamp").GetString());
        Assert.Empty(info.RootElement.GetProperty("warnings").EnumerateArray());

        // save_images defaults to false: nothing was written.
        Assert.False(Directory.Exists(Path.Combine(factory.DataDir, "outputs")) &&
            Directory.EnumerateFiles(Path.Combine(factory.DataDir, "outputs"), "*", SearchOption.AllDirectories).Any());
    }
}
