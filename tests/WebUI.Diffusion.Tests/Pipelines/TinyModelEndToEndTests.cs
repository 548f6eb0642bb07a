using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using WebUI.Diffusion.Imaging;
using WebUI.Diffusion.Models;
using WebUI.Diffusion.Pipelines;
using WebUI.ModelForge;

namespace WebUI.Diffusion.Tests.Pipelines;

/// <summary>
/// The whole product path (ClipTokenizer, ONNX sessions, sampler, VAE, PNG with infotext) on the tiny SD families
/// ModelForge writes in every exporter dialect. Their pictures are noise by design; what is checked is that each
/// dialect runs, that they agree with each other, and that the output is a proper A1111 PNG.
/// </summary>
public sealed class TinyModelEndToEndTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    GenerationEngine Engine() => new(new EngineOptions { ModelsDir = _dir.Path, IntraOpThreads = 1 });

    string Build(string name, TinyDialect? dialect)
    {
        string dir = _dir.Sub("Stable-diffusion", name);
        return dialect is { } d ? TinyModels.BuildSd15(dir, d) : TinyModels.BuildSd21V(dir);
    }

    static GenerationRequest Request(string model, long seed = 1) => new()
    {
        Model = model, Prompt = "a photo of a cat", NegativePrompt = "blurry", Width = 64, Height = 64, Steps = 4, Seed = seed,
    };

    static Rgb24[] Pixels(byte[] png)
    {
        using var image = Image.Load<Rgb24>(png);
        Assert.Equal((64, 64), (image.Width, image.Height));
        var pixels = new Rgb24[64 * 64];
        image.CopyPixelDataTo(pixels);
        return pixels;
    }

    static int MaxDifference(Rgb24[] a, Rgb24[] b) =>
        a.Zip(b).Max(p => Math.Max(Math.Abs(p.First.R - p.Second.R), Math.Max(Math.Abs(p.First.G - p.Second.G), Math.Abs(p.First.B - p.Second.B))));

    [Theory]
    [InlineData("diffusers", TinyDialect.DiffusersFp32, "sd1")]
    [InlineData("optimum", TinyDialect.OptimumFp32, "sd1")]
    [InlineData("fp16", TinyDialect.Fp16, "sd1")]
    [InlineData("legacy", TinyDialect.LegacyInt64Timestep, "sd1")]
    [InlineData("sd21v", null, "sd2-v")]
    public void Every_tiny_family_generates_a_64x64_png_with_its_infotext(string name, TinyDialect? dialect, string family)
    {
        Build(name, dialect);
        using var engine = Engine();
        Assert.Equal(family, engine.ListModels().Single().Family);
        var result = engine.Generate(Request(name) with { BatchSize = 2 });

        Assert.Equal(2, result.Images.Count);
        Assert.Equal(4, result.Timings.UnetCalls);
        var image = result.Images[0];
        Assert.Equal(image.Infotext, PngText.ReadParameters(image.Png));
        Assert.StartsWith("a photo of a cat\nNegative prompt: blurry\nSteps: 4, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 1, Size: 64x64, Model hash: ", image.Infotext);
        Assert.EndsWith($", Model: {name}", image.Infotext);
        Assert.Contains("Seed: 2,", result.Images[1].Infotext);
        var pixels = Pixels(image.Png);
        Assert.True(pixels.Distinct().Count() > 100, "the picture should not be flat");
        Assert.Equal(family, engine.LoadedModel!.Family);
    }

    [Fact]
    public void The_exporter_dialects_of_one_model_give_the_same_picture()
    {
        foreach (var (name, d) in new[] { ("diffusers", TinyDialect.DiffusersFp32), ("optimum", TinyDialect.OptimumFp32), ("fp16", TinyDialect.Fp16), ("legacy", TinyDialect.LegacyInt64Timestep) })
            Build(name, d);
        using var engine = Engine();
        var reference = Pixels(engine.Generate(Request("diffusers")).Images[0].Png);
        Assert.True(MaxDifference(reference, Pixels(engine.Generate(Request("optimum")).Images[0].Png)) <= 1, "Optimum fp32 vs diffusers fp32");
        Assert.True(MaxDifference(reference, Pixels(engine.Generate(Request("fp16")).Images[0].Png)) <= 4, "fp16 vs fp32");
        // Integer timesteps are the nearest table index, so the picture moves a little, but not far.
        Assert.True(MaxDifference(reference, Pixels(engine.Generate(Request("legacy")).Images[0].Png)) <= 4, "int64 timestep vs float");

        Assert.Equal(engine.Generate(Request("diffusers")).Images[0].Png, engine.Generate(Request("diffusers")).Images[0].Png);
        Assert.True(MaxDifference(reference, Pixels(engine.Generate(Request("diffusers", seed: 2)).Images[0].Png)) > 64, "another seed, another picture");
    }

    [Theory]
    [InlineData(TinyDialect.OptimumFp32)]   // latent_parameters: deterministic mean
    [InlineData(TinyDialect.DiffusersFp32)] // latent_sample
    public void Img2img_runs_on_a_png_and_records_the_denoising_strength(TinyDialect dialect)
    {
        Build("tiny", dialect);
        using var engine = Engine();
        var first = engine.Generate(Request("tiny")).Images[0];
        var result = engine.Generate(Request("tiny") with { InitImage = first.Png, DenoisingStrength = 0.5, ResizeMode = ResizeMode.CropAndResize });
        Assert.Equal(3, result.Timings.UnetCalls); // t_enc = ⌊0.5·4⌋ = 2 → 3 steps
        Assert.Contains(", Denoising strength: 0.5", result.Images[0].Infotext);
        Pixels(result.Images[0].Png);

        var wide = engine.Generate(Request("tiny") with { InitImage = first.Png, ResizeMode = ResizeMode.LatentUpscale, Width = 128 });
        Assert.Equal((128, 64), (wide.Images[0].Width, wide.Images[0].Height));
    }

    [Fact]
    public void Sampler_settings_reach_the_infotext()
    {
        Build("tiny", TinyDialect.OptimumFp32);
        using var engine = Engine();
        var image = engine.Generate(Request("tiny") with { Sampler = "Euler a", Eta = 0.5, Subseed = 3, SubseedStrength = 0.25 }).Images[0];
        Assert.EndsWith("Steps: 4, Sampler: Euler a, Schedule type: Automatic, CFG scale: 7, Seed: 1, Size: 64x64, Model hash: "
            + engine.LoadedModel!.Hash + ", Model: tiny, Variation seed: 3, Variation seed strength: 0.25, Eta: 0.5", image.Infotext);
    }

    [Fact]
    public void A_bad_init_image_is_a_bad_request()
    {
        Build("tiny", TinyDialect.OptimumFp32);
        using var engine = Engine();
        Assert.ThrowsAny<ArgumentException>(() => engine.Generate(Request("tiny") with { InitImage = [1, 2, 3, 4] }));
    }
}
