using System.Text;
using System.Text.Json;
using WebUI.Api.Json;
using WebUI.Api.Models;

namespace WebUI.Tests.Api;

public sealed class PydanticReaderTests
{
    static Txt2ImgApiRequest Read(string json) => PydanticReader.Read<Txt2ImgApiRequest>(Encoding.UTF8.GetBytes(json),
        (r, f) => r.SetFields.Add(f));

    [Fact]
    public void Values_are_coerced_as_pydantic_v1_does()
    {
        var r = Read("""{"steps": "12", "width": 512.9, "cfg_scale": "6.5", "restore_faces": "yes", "tiling": 0, "prompt": 7, "negative_prompt": 1.0, "seed": true, "styles": [3]}""");
        Assert.Equal(12, r.Steps);
        Assert.Equal(512, r.Width); // int(512.9)
        Assert.Equal(6.5, r.CfgScale);
        Assert.True(r.RestoreFaces);
        Assert.False(r.Tiling);
        Assert.Equal("7", r.Prompt);
        Assert.Equal("1.0", r.NegativePrompt);
        Assert.Equal(1, r.Seed);
        Assert.Equal(["3"], r.Styles!);
        Assert.Contains("steps", r.SetFields);
        Assert.DoesNotContain("height", r.SetFields);
    }

    [Fact]
    public void Absent_fields_keep_the_API_defaults_and_null_stays_null()
    {
        var r = Read("""{"sampler_name": null}""");
        Assert.Equal(50, r.Steps);
        Assert.Equal("Euler", r.SamplerIndex);
        Assert.Equal(-1, r.SeedResizeFromW);
        Assert.Null(r.DenoisingStrength);
        Assert.Null(r.SamplerName);
        Assert.Equal(0.75, PydanticReader.Read<Img2ImgApiRequest>(Encoding.UTF8.GetBytes("{}")).DenoisingStrength);
    }

    [Fact]
    public void Every_bad_field_is_reported_with_its_location()
    {
        var e = Assert.Throws<RequestValidationException>(() => Read("""{"steps": [], "seed": "x", "width": 2.5e40, "alwayson_scripts": {"a": 1}}"""));
        Assert.Equal(["body.steps", "body.seed", "body.width"], e.Issues.Select(i => string.Join(".", i.Loc)));
        Assert.All(e.Issues, i => Assert.Equal("type_error.integer", i.Type));

        var notDict = Assert.Throws<RequestValidationException>(() => Read("[1]"));
        Assert.Equal("type_error.dict", Assert.Single(notDict.Issues).Type);
        var blank = Assert.Throws<RequestValidationException>(() => Read("  "));
        Assert.Equal("value_error.missing", Assert.Single(blank.Issues).Type);
        var broken = Assert.Throws<RequestValidationException>(() => Read("{\"a\": }"));
        Assert.Equal("value_error.jsondecode", Assert.Single(broken.Issues).Type);
    }

    [Fact]
    public void PyJson_writes_python_forms()
    {
        using var doc = JsonDocument.Parse("""{"a": 1, "b": 2.50, "c": 1e-5, "d": "é\n"}""");
        Assert.Equal("{\"a\":1,\"b\":2.5,\"c\":1e-05,\"d\":\"é\\n\"}", PyJson.Compact(doc.RootElement));
        Assert.Equal("{\"x\": [7.0, 3, true, null], \"y\": \"\\u00e9\"}",
            PyJson.Spaced(new List<KeyValuePair<string, object?>> { new("x", new object?[] { 7.0, 3L, true, null }), new("y", "é") }));
    }
}
