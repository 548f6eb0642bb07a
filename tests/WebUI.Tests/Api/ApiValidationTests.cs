using System.Net;
using System.Text.Json;

namespace WebUI.Tests.Api;

public sealed class ApiValidationTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    static async Task<JsonElement> Detail(HttpResponseMessage response, HttpStatusCode expected)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("detail").Clone();
    }

    [Fact]
    public async Task Fields_of_the_wrong_type_get_FastAPI_422_entries_for_each_field()
    {
        using var client = factory.CreateClient();
        var detail = await Detail(await client.PostAsync("/sdapi/v1/txt2img", ApiHttp.Json("""
            {"steps": "many", "cfg_scale": "high", "restore_faces": "perhaps", "styles": [1, {"a": 2}], "override_settings": [], "prompt": {}}
            """)), HttpStatusCode.UnprocessableEntity);
        var entries = detail.EnumerateArray().ToDictionary(e => string.Join(".", e.GetProperty("loc").EnumerateArray().Select(l => l.ToString())));
        Assert.Equal("value is not a valid integer", entries["body.steps"].GetProperty("msg").GetString());
        Assert.Equal("type_error.integer", entries["body.steps"].GetProperty("type").GetString());
        Assert.Equal("type_error.float", entries["body.cfg_scale"].GetProperty("type").GetString());
        Assert.Equal("type_error.bool", entries["body.restore_faces"].GetProperty("type").GetString());
        Assert.Equal("type_error.str", entries["body.styles.1"].GetProperty("type").GetString());
        Assert.False(entries.ContainsKey("body.styles.0")); // pydantic v1 turns 1 into "1"
        Assert.Equal("type_error.dict", entries["body.override_settings"].GetProperty("type").GetString());
        Assert.Equal("type_error.str", entries["body.prompt"].GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Number, entries["body.styles.1"].GetProperty("loc")[2].ValueKind);
    }

    [Fact]
    public async Task Values_out_of_range_are_422_naming_the_field()
    {
        using var client = factory.CreateClient();
        var detail = await Detail(await client.PostAsync("/sdapi/v1/txt2img", ApiHttp.Json("""{"width": 100, "steps": 0, "subseed_strength": 2}""")),
            HttpStatusCode.UnprocessableEntity);
        var locs = detail.EnumerateArray().Select(e => e.GetProperty("loc")[1].GetString()).ToList();
        Assert.Equal(["steps", "width", "subseed_strength"], locs);
        Assert.Contains("multiple of 8", detail[1].GetProperty("msg").GetString());
        Assert.Equal("value_error", detail[1].GetProperty("type").GetString());
    }

    [Fact]
    public async Task Unknown_sampler_model_script_and_missing_init_image_answer_as_A1111()
    {
        using var client = factory.CreateClient();
        var sampler = await client.PostAsync("/sdapi/v1/txt2img", ApiHttp.Json("""{"sampler_name": "Euler b", "steps": 1}"""));
        Assert.Equal(HttpStatusCode.BadRequest, sampler.StatusCode);
        var body = await ApiHttp.ReadJson(sampler);
        Assert.Equal(["error", "detail", "body", "errors"], ApiHttp.Keys(body));
        Assert.Equal("HTTPException", body.GetProperty("error").GetString());
        Assert.Equal("Sampler not found", body.GetProperty("detail").GetString());

        var model = await client.PostAsync("/sdapi/v1/txt2img", ApiHttp.Json("""{"override_settings": {"sd_model_checkpoint": "nope-model"}, "steps": 1}"""));
        Assert.Equal(HttpStatusCode.NotFound, model.StatusCode);
        Assert.Contains("nope-model", (await ApiHttp.ReadJson(model)).GetProperty("detail").GetString());

        var script = await client.PostAsync("/sdapi/v1/txt2img", ApiHttp.Json("""{"alwayson_scripts": {"ControlNet": {"args": []}}, "steps": 1}"""));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, script.StatusCode);
        Assert.Equal("always on script ControlNet not found", (await ApiHttp.ReadJson(script)).GetProperty("detail").GetString());

        var selectable = await client.PostAsync("/sdapi/v1/txt2img", ApiHttp.Json("""{"script_name": "x/y/z plot", "steps": 1}"""));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, selectable.StatusCode);

        var noInit = await client.PostAsync("/sdapi/v1/img2img", ApiHttp.Json("""{"prompt": "x"}"""));
        Assert.Equal(HttpStatusCode.NotFound, noInit.StatusCode);
        Assert.Equal("Init image not found", (await ApiHttp.ReadJson(noInit)).GetProperty("detail").GetString());

        var badImage = await client.PostAsync("/sdapi/v1/img2img", ApiHttp.Json("""{"init_images": ["bm90IGFuIGltYWdl"]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, badImage.StatusCode);
        Assert.StartsWith("Invalid encoded image", (await ApiHttp.ReadJson(badImage)).GetProperty("detail").GetString());
    }

    public static TheoryData<string, string> MalformedBodies() => new()
    {
        { "/sdapi/v1/txt2img", "" },
        { "/sdapi/v1/txt2img", "{" },
        { "/sdapi/v1/txt2img", "[]" },
        { "/sdapi/v1/txt2img", "null" },
        { "/sdapi/v1/txt2img", "\"text\"" },
        { "/sdapi/v1/txt2img", "{\"width\": 1e400}" },
        { "/sdapi/v1/txt2img", "{\"seed\": 99999999999999999999999}" },
        { "/sdapi/v1/txt2img", "{\"cfg_scale\": \"nan\"}" },
        { "/sdapi/v1/txt2img", "{\"batch_size\": 1000000}" },
        { "/sdapi/v1/txt2img", "{\"n_iter\": -3}" },
        { "/sdapi/v1/txt2img", "{\"eta\": -1}" },
        { "/sdapi/v1/txt2img", "{\"alwayson_scripts\": {\"Seed\": {\"args\": [\"x\"]}}}" },
        { "/sdapi/v1/txt2img", "{\"alwayson_scripts\": {\"Seed\": 5}}" },
        { "/sdapi/v1/txt2img", "{\"override_settings\": {\"samples_format\": \"gif\"}}" },
        { "/sdapi/v1/txt2img", "{\"override_settings\": {\"CLIP_stop_at_last_layers\": \"two\"}}" },
        { "/sdapi/v1/txt2img", "{\"scheduler\": \"Sideways\"}" },
        { "/sdapi/v1/txt2img", "{\"infotext\": \"Steps: lots, Sampler: nobody, Size: axb\", \"steps\": 0}" },
        { "/sdapi/v1/img2img", "{\"init_images\": \"abc\"}" },
        { "/sdapi/v1/img2img", "{\"init_images\": [\"data:image/png;base64,@@@\"]}" },
        { "/sdapi/v1/img2img", "{\"init_images\": [\"https://example.com/a.png\"]}" },
        { "/sdapi/v1/img2img", "{\"init_images\": [\"iVBORw0KGgo=\"], \"resize_mode\": 7}" },
        { "/sdapi/v1/img2img", "{\"init_images\": [null]}" },
        { "/sdapi/v1/png-info", "{\"image\": \"%%%\"}" },
        { "/sdapi/v1/png-info", "{\"image\": \"aGVsbG8=\"}" },
        { "/sdapi/v1/options", "{\"no_such_setting\": 1}" },
        { "/sdapi/v1/options", "{\"jpeg_quality\": 1000}" },
        { "/sdapi/v1/options", "{\"sd_model_checkpoint\": \"missing\"}" },
        { "/sdapi/v1/options", "[1, 2]" },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task Malformed_bodies_never_get_a_500(string route, string body)
    {
        using var client = factory.CreateClient();
        var response = await client.PostAsync(route, ApiHttp.Json(body));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{(int)response.StatusCode}: {text}");
        using var doc = JsonDocument.Parse(text);
        Assert.True(doc.RootElement.TryGetProperty("detail", out _), text);
    }
}
