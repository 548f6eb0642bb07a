using Microsoft.ML.OnnxRuntime;
using WebUI.Diffusion.Models;
using WebUI.Diffusion.Pipelines;
using WebUI.Diffusion.Sampling;
using WebUI.Diffusion.Tests.Pipelines;
using WebUI.Diffusion.Text;
using WebUI.ModelForge;
using static WebUI.Diffusion.Tests.Conditioning.ConditioningHelpers;

namespace WebUI.Diffusion.Tests.Conditioning;

/// <summary>
/// SDXL conditioning (diffusion-reference §6b, a1111-reference §4.3) on the tiny SDXL folders, checked against the
/// text encoders run directly: CLIP-L's and OpenCLIP-G's penultimate states concatenated, G's text_embeds pooled
/// from the first chunk, time_ids from the image size (refiner: aesthetic score), zeros for an empty negative.
/// Then what the UNet gets per row (fake UNets reading text_embeds / time_ids / timestep_cond).
/// </summary>
public sealed class SdxlConditioningTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    static int[] ChunkIds(ClipTokenizer tok, string text)
    {
        var ids = new List<int> { tok.BosId };
        ids.AddRange(tok.Encode(text));
        ids.Add(tok.EosId);
        while (ids.Count < 77) ids.Add(tok.PadId);
        return ids.ToArray();
    }

    [Fact]
    public void Base_concatenates_both_penultimate_layers_pools_the_second_encoder_and_sizes_time_ids()
    {
        string dir = TinyModels.BuildSdxl(_dir.Sub("xl"));
        using var model = Load(dir);
        Assert.Equal(0.13025, model.VaeScale, 1e-9); // from vae_decoder/config.json
        var c = Build(model, "a photo of a cat", "blurry", width: 128, height: 96);
        var cond = c.Embeddings[c.PositiveAt(0, 0)];
        int d1 = TinyModels.SdxlTextWidth, d2 = TinyModels.SdxlText2Width;
        Assert.Equal((77, d1 + d2), (cond.Tokens, cond.Width));

        var tok1 = ClipTokenizer.FromFolder(Path.Combine(dir, "tokenizer"));
        var tok2 = ClipTokenizer.FromFolder(Path.Combine(dir, "tokenizer_2"));
        Assert.Equal(0, tok2.PadId); // OpenCLIP pads with "!"
        var te1 = RunEncoder(Path.Combine(dir, "text_encoder", "model.onnx"), ChunkIds(tok1, "a photo of a cat"), "hidden_states.1");
        var te2 = RunEncoder(Path.Combine(dir, "text_encoder_2", "model.onnx"), ChunkIds(tok2, "a photo of a cat"), "hidden_states.2", "text_embeds");
        var expected = new float[77 * (d1 + d2)];
        for (int t = 0; t < 77; t++)
        {
            te1["hidden_states.1"].AsSpan(t * d1, d1).CopyTo(expected.AsSpan(t * (d1 + d2)));
            te2["hidden_states.2"].AsSpan(t * d2, d2).CopyTo(expected.AsSpan(t * (d1 + d2) + d1));
        }
        AssertClose(expected, cond.Data, 1e-5, "encoder_hidden_states");
        AssertClose(te2["text_embeds"], cond.Pooled, 1e-5, "text_embeds");
        Assert.Equal([96f, 128, 0, 0, 96, 128], cond.TimeIds!);

        var uncond = c.Embeddings[c.NegativeAt(0)];
        Assert.Equal([96f, 128, 0, 0, 96, 128], uncond.TimeIds!);
        Assert.Contains(uncond.Data, v => v != 0);
    }

    [Fact]
    public void An_empty_negative_prompt_is_zeros_and_clip_skip_is_reported_as_ignored()
    {
        using var model = Load(TinyModels.BuildSdxl(_dir.Sub("xl")));
        var c = Build(model, "a cat", "", clipSkip: 2);
        var uncond = c.Embeddings[c.NegativeAt(0)];
        Assert.All(uncond.Data, v => Assert.Equal(0f, v));
        Assert.All(uncond.Pooled!, v => Assert.Equal(0f, v));
        Assert.Contains(c.Warnings, w => w.StartsWith("Clip skip 2 is ignored for SDXL", StringComparison.Ordinal));
        // A long prompt: more chunks, pooled still from the first one.
        var longPrompt = Build(model, string.Join(" ", Enumerable.Repeat("red cat", 50)));
        Assert.Equal(154, longPrompt.Embeddings[0].Tokens);
    }

    [Fact]
    public void Refiner_uses_the_second_encoder_alone_with_aesthetic_scores_and_encodes_an_empty_negative()
    {
        string dir = TinyModels.BuildSdxl(_dir.Sub("refiner"), refiner: true);
        using var model = Load(dir);
        Assert.True(model.Conditioner.IsRefiner);
        Assert.Equal("sdxl-refiner", model.Folder.Family);
        var c = Build(model, "a cat", "");
        var cond = c.Embeddings[c.PositiveAt(0, 0)];
        var uncond = c.Embeddings[c.NegativeAt(0)];
        Assert.Equal(TinyModels.SdxlText2Width, cond.Width);
        Assert.Equal([64f, 64, 0, 0, 6.0f], cond.TimeIds!);
        Assert.Equal([64f, 64, 0, 0, 2.5f], uncond.TimeIds!);
        Assert.Contains(uncond.Data, v => v != 0); // force_zeros_for_empty_prompt is false for the refiner
    }

    static UnetModel LoadUnet(FakeUnetSpec spec)
    {
        using var so = new SessionOptions { IntraOpNumThreads = 1 };
        return UnetModel.Create(new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(FakeUnet.Build(spec)), so));
    }

    [Theory]
    [InlineData("batch")]
    [InlineData(1)]
    public void Every_sdxl_tensor_follows_the_rows_cond_and_uncond(object batch)
    {
        const float ps = 0.7f, ts = 0.01f, a = 1.5f;
        using var unet = LoadUnet(new FakeUnetSpec { TextEmbedsWidth = 4, Batch = batch, PooledShift = ps, TimeIdsShift = ts, CondShift = a, TextWidth = 32 });
        Assert.True(unet.IsSdxl);
        TextEmbedding Emb(float hidden, float pooled, float time) =>
            new(Enumerable.Repeat(hidden, 77 * 32).ToArray(), 77, 32) { Pooled = [pooled, pooled, pooled, pooled], TimeIds = Enumerable.Repeat(time, 6).ToArray() };
        var cond = Emb(0.2f, 1.0f, 64f);
        var uncond = Emb(-0.1f, 0.25f, 32f);
        using var ro = new RunOptions();
        const double w = 4;
        using var d = new UnetDenoiser(unet, NoiseSchedule.Default, PredictionType.Epsilon, 2, 8, 8, cond, uncond, w, ro);
        var x = new float[2 * 4 * 64];
        var denoised = new float[x.Length];
        d.Denoise(x, 2.0, denoised);
        double Mix(double c, double u) => u + w * (c - u);
        double expected = FakeUnet.DefaultX0(4, 8, 8)[0] + a * Mix(0.2, -0.1) + ps * Mix(1.0, 0.25) + ts * Mix(64, 32);
        Assert.Equal(expected, denoised[0], 1e-3);
        Assert.Equal(expected, denoised[4 * 64], 1e-3);
    }

    [Fact]
    public void An_lcm_unet_gets_the_guidance_embedding_and_no_unconditional_rows()
    {
        const float s = 2f;
        FakeModelFolder.Build(_dir.Sub("Stable-diffusion", "lcm"), new FakeModelSpec
        {
            Unet = new FakeUnetSpec { TimestepCondWidth = 256, TimestepCondShift = s, Batch = 1 },
            ScalingFactor = 1,
        });
        var output = new CapturingImageOutput();
        using var engine = new GenerationEngine(new EngineOptions { ModelsDir = _dir.Path, IntraOpThreads = 1 }, EngineServices.Default with { ImageOutput = output });
        var r = engine.Generate(new GenerationRequest { Model = "lcm", Prompt = "a cat", NegativePrompt = "ugly", Width = 64, Height = 64, Steps = 4, Sampler = "LCM", CfgScale = 8.5, Seed = 3 });
        Assert.Equal(4, r.Timings.UnetCalls); // cond only, even with a fixed batch of 1 and CFG 8.5
        double shift = s * LcmGuidance.Embedding(8.5, 256).Average(v => (double)v);
        Assert.Equal(FakeModelFolder.DecoderGain * (FakeUnet.DefaultX0(4, 8, 8)[0] + shift), output.Images[0].Rgb[0], 2e-3);
        Assert.Throws<ArgumentException>(() => engine.Generate(new GenerationRequest { Model = "lcm", Prompt = "a AND b", Width = 64, Height = 64, Steps = 1 }));
    }

    [Theory]
    [InlineData("xl")]
    [InlineData("xlturbo")]
    [InlineData("sdturbo")]
    [InlineData("refiner")]
    [InlineData("lcm")]
    public void Every_tiny_family_generates_through_the_engine(string family)
    {
        string path = _dir.Sub("Stable-diffusion", family);
        _ = family switch
        {
            "xl" => TinyModels.BuildSdxl(path),
            "xlturbo" => TinyModels.BuildSdxlTurbo(path),
            "sdturbo" => TinyModels.BuildSdTurbo(path),
            "refiner" => TinyModels.BuildSdxl(path, refiner: true),
            _ => TinyModels.BuildLcm(path),
        };
        using var engine = new GenerationEngine(new EngineOptions { ModelsDir = _dir.Path, IntraOpThreads = 1 });
        var request = new GenerationRequest { Model = family, Prompt = "a photo of a cat", NegativePrompt = "blurry", Width = 64, Height = 64, Seed = 1 };
        request = family switch
        {
            "xlturbo" or "sdturbo" => request with { Steps = 1, CfgScale = 1, Sampler = "Euler a" },
            "lcm" => request with { Steps = 4, CfgScale = 8.5, Sampler = "LCM" },
            _ => request with { Steps = 3 },
        };
        var r = engine.Generate(request);
        var image = r.Images.Single();
        Assert.Equal(request.Steps, r.Timings.UnetCalls); // dynamic batch: cond and uncond (if any) in one call per step
        Assert.StartsWith("a photo of a cat\nNegative prompt: blurry\nSteps: ", image.Infotext);
        using var png = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.Rgb24>(image.Png);
        Assert.Equal((64, 64), (png.Width, png.Height));
        Assert.Empty(r.Warnings);
    }
}
