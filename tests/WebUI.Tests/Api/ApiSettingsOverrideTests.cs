using System.Net;
using System.Text.Json;
using WebUI.Diffusion.Imaging;

namespace WebUI.Tests.Api;

/// <summary>Settings that shape a generation (clip skip, sd_vae, emphasis) reach the engine through override_settings.</summary>
public sealed class ApiSettingsOverrideTests(TinyApiFactory factory) : IClassFixture<TinyApiFactory>
{
    async Task<(byte[] Png, string Infotext, JsonElement Info)> Generate(HttpClient client, string overrides, string prompt = "a cat")
    {
        string body = $$"""{"prompt": "{{prompt}}", "steps": 2, "width": 64, "height": 64, "seed": 8, "override_settings": """
            + $$"""{"sd_model_checkpoint": "{{TinyApiFactory.Checkpoint}}" """ + overrides + "}}";
        var response = await client.PostAsync("/sdapi/v1/txt2img", ApiHttp.Json(body));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var root = JsonDocument.Parse(text).RootElement;
        byte[] png = Convert.FromBase64String(root.GetProperty("images")[0].GetString()!);
        return (png, PngText.ReadParameters(png)!, JsonDocument.Parse(root.GetProperty("info").GetString()!).RootElement.Clone());
    }

    static List<string?> Warnings(JsonElement info) => info.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()).ToList();

    [Fact]
    public async Task Clip_skip_and_a_separate_vae_change_the_picture_and_are_recorded()
    {
        using var client = factory.CreateClient();
        var plain = await Generate(client, "");
        Assert.DoesNotContain("Clip skip", plain.Infotext);
        Assert.DoesNotContain("VAE", plain.Infotext);
        Assert.Equal(JsonValueKind.Null, plain.Info.GetProperty("sd_vae_name").ValueKind);

        var skip = await Generate(client, """, "CLIP_stop_at_last_layers": 2""");
        Assert.Contains("Clip skip: 2", skip.Infotext);
        Assert.Equal(2, skip.Info.GetProperty("clip_skip").GetInt32());
        Assert.Empty(Warnings(skip.Info));
        Assert.NotEqual(plain.Png, skip.Png); // the penultimate layer's states condition the UNet

        var vae = await Generate(client, """, "sd_vae": "tiny-vae" """);
        Assert.Contains("VAE: tiny-vae", vae.Infotext);
        Assert.Matches("VAE hash: [0-9a-f]{10}", vae.Infotext);
        Assert.Equal("tiny-vae", vae.Info.GetProperty("sd_vae_name").GetString());
        Assert.Empty(Warnings(vae.Info));
        Assert.NotEqual(plain.Png, vae.Png);

        // "None" is the checkpoint's own VAE; an unknown name falls back to it with a warning, as A1111 does.
        var none = await Generate(client, """, "sd_vae": "None" """);
        Assert.Equal(plain.Png, none.Png);
        var missing = await Generate(client, """, "sd_vae": "ghost-vae" """);
        Assert.Equal(plain.Png, missing.Png);
        Assert.Contains(Warnings(missing.Info), w => w!.StartsWith("sd_vae: VAE 'ghost-vae' not found"));
    }

    [Fact]
    public async Task Emphasis_and_pad_conds_settings_reach_the_infotext()
    {
        using var client = factory.CreateClient();
        // Two 75-token chunks against the empty negative prompt's one: only then is there anything to pad.
        string longPrompt = "a (cat:1.3)" + string.Concat(Enumerable.Repeat(", a cat", 40));
        var result = await Generate(client, """, "emphasis": "No norm", "pad_cond_uncond": true""", prompt: longPrompt);
        Assert.Contains("Emphasis: No norm", result.Infotext);
        Assert.Contains("Pad conds: True", result.Infotext);
        var unpadded = await Generate(client, "", prompt: longPrompt);
        Assert.DoesNotContain("Emphasis", unpadded.Infotext);
        Assert.DoesNotContain("Pad conds", unpadded.Infotext);
    }

    [Fact]
    public async Task Sd_vae_route_lists_the_engines_vaes()
    {
        using var client = factory.CreateClient();
        var vaes = await ApiHttp.ReadJson(await client.GetAsync("/sdapi/v1/sd-vae"));
        var item = Assert.Single(vaes.EnumerateArray());
        Assert.Equal(["model_name", "filename"], ApiHttp.Keys(item));
        Assert.Equal("tiny-vae", item.GetProperty("model_name").GetString());
        Assert.Equal(Path.Combine(factory.ModelsDir, "VAE", "tiny-vae"), item.GetProperty("filename").GetString());
    }
}
