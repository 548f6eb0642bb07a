using System.Text.Json;
using WebUI.ModelForge.Demo;
using Xunit.Abstractions;

namespace WebUI.ModelForge.Tests.Demo;

[Collection(DemoCollection.Name)]
public class DemoLayoutTests(DemoFixture demo, ITestOutputHelper output)
{
    [Fact]
    public void Build_WritesTheDiffusersScriptLayout()
    {
        string[] files =
        [
            "model_index.json", "scheduler/scheduler_config.json",
            "tokenizer/vocab.json", "tokenizer/merges.txt", "tokenizer/special_tokens_map.json", "tokenizer/tokenizer_config.json",
            "text_encoder/model.onnx", "unet/model.onnx", "unet/weights.pb", "vae_decoder/model.onnx", "vae_decoder/config.json", "vae_encoder/model.onnx",
        ];
        foreach (var f in files) Assert.True(File.Exists(Path.Combine(demo.Root, f)), $"missing {f}");
        long bytes = Directory.EnumerateFiles(demo.Root, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        output.WriteLine($"demo model: {bytes / 1e6:F2} MB on disk, built in {demo.BuildSeconds:F2} s, K = {demo.K}");
        Assert.InRange(bytes, 1_000_000, 20_000_000);

        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(demo.Root, "model_index.json")));
        Assert.Equal("OnnxStableDiffusionPipeline", index.RootElement.GetProperty("_class_name").GetString());
        Assert.Equal("CLIPTokenizer", index.RootElement.GetProperty("tokenizer")[1].GetString());
        Assert.Equal("OnnxRuntimeModel", index.RootElement.GetProperty("unet")[1].GetString());
    }

    [Fact]
    public void SchedulerConfig_IsSd15Pndm()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(demo.Root, "scheduler", "scheduler_config.json")));
        var s = doc.RootElement;
        Assert.Equal("PNDMScheduler", s.GetProperty("_class_name").GetString());
        Assert.Equal("epsilon", s.GetProperty("prediction_type").GetString());
        Assert.Equal("scaled_linear", s.GetProperty("beta_schedule").GetString());
        Assert.Equal(0.00085, s.GetProperty("beta_start").GetDouble());
        Assert.Equal(0.012, s.GetProperty("beta_end").GetDouble());
        Assert.Equal(1000, s.GetProperty("num_train_timesteps").GetInt32());
        Assert.Equal(1, s.GetProperty("steps_offset").GetInt32());
        Assert.True(s.GetProperty("skip_prk_steps").GetBoolean());
        Assert.False(s.GetProperty("set_alpha_to_one").GetBoolean());
    }

    [Fact]
    public void VaeConfig_CarriesScalingFactorAndTheExactPreviewMap()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(demo.Root, "vae_decoder", "config.json")));
        var c = doc.RootElement;
        Assert.Equal(0.18215, c.GetProperty("scaling_factor").GetDouble(), 6);
        var map = DemoModel.LatentToRgb;
        var rows = c.GetProperty("latent_rgb_factors").EnumerateArray().ToArray();
        Assert.Equal(4, rows.Length);
        for (int k = 0; k < 4; k++)
        {
            var cols = rows[k].EnumerateArray().Select(e => e.GetSingle()).ToArray();
            Assert.Equal(3, cols.Length);
            for (int ch = 0; ch < 3; ch++) Assert.Equal(map.Factors[k, ch], cols[ch]);
        }
        Assert.Equal(map.Bias, c.GetProperty("latent_rgb_bias").EnumerateArray().Select(e => e.GetSingle()).ToArray());
    }

    [Fact]
    public void Io_MatchesTheDiffusersScriptContract()
    {
        var te = demo.TextEncoder;
        Assert.Equal(typeof(int), te.InputMetadata["input_ids"].ElementType);
        Assert.Equal([-1, -1], te.InputMetadata["input_ids"].Dimensions);
        Assert.Equal([-1, -1, 768], te.OutputMetadata["last_hidden_state"].Dimensions);
        Assert.Equal([-1, 768], te.OutputMetadata["pooler_output"].Dimensions);

        var unet = demo.Unet;
        Assert.Equal(["sample", "timestep", "encoder_hidden_states"], unet.InputMetadata.Keys.ToArray());
        Assert.Equal([-1, 4, -1, -1], unet.InputMetadata["sample"].Dimensions);
        Assert.Equal(typeof(float), unet.InputMetadata["timestep"].ElementType);
        Assert.Equal([-1], unet.InputMetadata["timestep"].Dimensions);
        Assert.Equal([-1, -1, 768], unet.InputMetadata["encoder_hidden_states"].Dimensions);
        Assert.Equal("out_sample", unet.OutputMetadata.Keys.Single());

        Assert.Equal("latent_sample", demo.VaeDecoder.InputMetadata.Keys.Single());
        Assert.Equal("sample", demo.VaeDecoder.OutputMetadata.Keys.Single());
        Assert.Equal("sample", demo.VaeEncoder.InputMetadata.Keys.Single());
        Assert.Equal("latent_sample", demo.VaeEncoder.OutputMetadata.Keys.Single());
    }

    [Fact]
    public void GalleryLatents_LookLikeRealSdLatents()
    {
        // UNet-space latents of unit RMS (so σ_min 0.029 … σ_max 14.6 mean what they mean for SD), every member
        // balanced to the same norm, and distinct members.
        double mean = demo.Latents.Average(v => (double)v);
        double std = Math.Sqrt(demo.Latents.Average(v => (double)v * v) - mean * mean);
        Assert.InRange(mean, -0.6, 0.6);
        Assert.InRange(std, 0.8, 1.05);
        for (int k = 0; k < demo.K; k++)
            Assert.Equal(1.0, Math.Sqrt(demo.Member(k).ToArray().Average(v => (double)v * v)), 1e-3);
        Assert.True(DemoGallery.Families.Count >= 8);
        Assert.All(DemoGallery.Scenes.GroupBy(s => s.Family), g => Assert.True(g.Count() >= 3, g.Key));
        int per = 4 * DemoFixture.Size * DemoFixture.Size;
        for (int a = 0; a < demo.K; a++)
            for (int b = a + 1; b < demo.K; b++)
            {
                double d2 = 0;
                for (int i = 0; i < per; i++) { double d = demo.Latents[a * per + i] - demo.Latents[b * per + i]; d2 += d * d; }
                Assert.True(Math.Sqrt(d2 / per) > 0.2, $"{DemoGallery.Scenes[a].Name} and {DemoGallery.Scenes[b].Name} are too alike");
            }
    }

    [Fact]
    public void Build_IsDeterministic()
    {
        var again = Path.Combine(Path.GetTempPath(), "webui-demo-again-" + Guid.NewGuid().ToString("N"));
        try
        {
            DemoModel.Build(again);
            foreach (var f in Directory.EnumerateFiles(demo.Root, "*", SearchOption.AllDirectories))
                Assert.True(File.ReadAllBytes(f).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(again, Path.GetRelativePath(demo.Root, f)))),
                    $"{Path.GetRelativePath(demo.Root, f)} differs between builds");
        }
        finally { Directory.Delete(again, true); }
    }
}
