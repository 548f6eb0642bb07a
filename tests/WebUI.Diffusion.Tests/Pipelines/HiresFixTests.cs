using WebUI.Diffusion.Models;
using WebUI.Diffusion.Pipelines;
using WebUI.ModelForge;
using static WebUI.Diffusion.Tests.Inpainting.TestPictures;

namespace WebUI.Diffusion.Tests.Pipelines;

/// <summary>Hires fix on the tiny SD 1.5: output size, steps run, the infotext keys in A1111's order.</summary>
public sealed class HiresFixTests : IDisposable
{
    readonly TempDir _dir = new();
    public HiresFixTests() => TinyModels.BuildSd15(_dir.Sub("Stable-diffusion", "tiny"), TinyDialect.OptimumFp32);
    public void Dispose() => _dir.Dispose();

    GenerationEngine Engine() => new(new EngineOptions { ModelsDir = _dir.Path, IntraOpThreads = 1 });

    static GenerationRequest Request() => new()
    {
        Model = "tiny", Prompt = "a cat", NegativePrompt = "dog", Width = 64, Height = 64, Steps = 3, Seed = 5,
        EnableHr = true, DenoisingStrength = 0.5,
    };

    [Fact]
    public void Latent_upscale_doubles_the_size_and_writes_the_hires_keys()
    {
        using var engine = Engine();
        var result = engine.Generate(Request() with { HrScale = 2, HrSecondPassSteps = 2 });
        var image = result.Images[0];
        Pixels(image.Png, out int w, out int h);
        Assert.Equal((128, 128), (w, h));
        Assert.Equal((128, 128), (image.Width, image.Height));
        Assert.Equal(3 + 2, result.Timings.UnetCalls); // first pass 3 steps, hires pass exactly the 2 requested
        Assert.EndsWith($"Steps: 3, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 5, Size: 64x64, Model hash: {engine.LoadedModel!.Hash}, " +
            "Model: tiny, Denoising strength: 0.5, Hires upscale: 2, Hires steps: 2, Hires upscaler: Latent", image.Infotext);
    }

    [Fact]
    public void Hires_steps_0_reuses_the_steps_and_each_upscaler_runs()
    {
        using var engine = Engine();
        foreach (var upscaler in HiresFix.UpscalerNames)
        {
            var result = engine.Generate(Request() with { HrScale = 1.5, HrUpscaler = upscaler });
            Assert.Equal((96, 96), (result.Images[0].Width, result.Images[0].Height));
            Assert.Equal(3 + 3, result.Timings.UnetCalls);
            Assert.EndsWith($"Denoising strength: 0.5, Hires upscale: 1.5, Hires upscaler: {upscaler}", result.Images[0].Infotext);
        }
    }

    [Fact]
    public void Resize_to_both_sides_covers_then_crops_and_records_hires_sampler_and_prompts()
    {
        using var engine = Engine();
        var result = engine.Generate(Request() with
        {
            HrResizeX = 96, HrResizeY = 128, HrUpscaler = "Lanczos", HrSampler = "Euler", HrPrompt = "a lion", HrNegativePrompt = "a mouse",
        });
        var image = result.Images[0];
        Pixels(image.Png, out int w, out int h);
        Assert.Equal((96, 128), (w, h));
        Assert.EndsWith("Denoising strength: 0.5, Hires sampler: Euler, Hires prompt: a lion, Hires negative prompt: a mouse, " +
            "Hires resize: 96x128, Hires upscaler: Lanczos", image.Infotext);
    }

    [Fact]
    public void Hires_schedule_type_is_written_when_the_second_pass_resolves_to_another_scheduler()
    {
        using var engine = Engine();
        var image = engine.Generate(Request() with { HrScheduler = "Exponential" }).Images[0];
        Assert.Contains("Hires schedule type: Exponential, Hires upscale: 2", image.Infotext);
    }

    [Fact]
    public void The_second_pass_differs_from_a_plain_upscale_and_is_deterministic()
    {
        using var engine = Engine();
        var a = Pixels(engine.Generate(Request()).Images[0].Png);
        var b = Pixels(engine.Generate(Request()).Images[0].Png);
        Assert.Equal(a, b);
        var none = Pixels(engine.Generate(Request() with { DenoisingStrength = 0 }).Images[0].Png);
        Assert.True(a.Zip(none).Max(p => MaxDifference(p.First, p.Second)) > 16, "the second pass should repaint");
    }

    [Fact]
    public void Progress_counts_both_passes_with_their_latent_sizes()
    {
        using var engine = Engine();
        var seen = new List<(int Step, int Steps, int H)>();
        engine.Generate(Request() with { HrSecondPassSteps = 2 }, p => seen.Add((p.Step, p.Steps, p.LatentHeight)));
        Assert.Equal([(0, 5, 8), (1, 5, 8), (2, 5, 8), (3, 5, 16), (4, 5, 16)], seen);
    }

    [Fact]
    public void Skipping_during_the_hires_pass_drops_that_batch_and_goes_on()
    {
        using var engine = Engine();
        var control = new GenerationControl();
        var result = engine.Generate(Request() with { BatchCount = 2, HrSecondPassSteps = 2 }, control, p =>
        {
            if (p.Batch == 0 && p.Step == 3) control.SkipCurrentBatch(); // first step of batch 0's second pass
        });
        Assert.Equal(6, Assert.Single(result.Images).Seed);
        Assert.Equal((128, 128), (result.Images[0].Width, result.Images[0].Height));
    }

    [Fact]
    public void Bad_hires_settings_are_bad_requests()
    {
        using var engine = Engine();
        Assert.Throws<ArgumentException>(() => engine.Generate(Request() with { HrUpscaler = "ESRGAN_4x" }));
        Assert.Throws<ArgumentException>(() => engine.Generate(Request() with { HrScale = 0 }));
        Assert.Throws<ArgumentException>(() => engine.Generate(Request() with { InitImage = Gradient(8, 8) }));
        Assert.Throws<KeyNotFoundException>(() => engine.Generate(Request() with { HrSampler = "Nope" }));
        Assert.Throws<ArgumentException>(() => engine.Generate(Request() with { HrScale = 8, Width = 2048, Height = 2048 }));
    }
}
