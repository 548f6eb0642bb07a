using Microsoft.ML.OnnxRuntime;
using SixLabors.ImageSharp.PixelFormats;
using WebUI.Diffusion.Imaging;
using WebUI.Diffusion.Models;
using WebUI.Diffusion.Pipelines;
using WebUI.Diffusion.Sampling;
using WebUI.Diffusion.Tests.Pipelines;
using WebUI.ModelForge;
using static WebUI.Diffusion.Tests.Inpainting.TestPictures;

namespace WebUI.Diffusion.Tests.Inpainting;

/// <summary>Inpainting end to end on the tiny SD 1.5 (4-channel, latent blending) and its setup on the fake model.</summary>
public sealed class InpaintingPipelineTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    GenerationEngine Engine() => new(new EngineOptions { ModelsDir = _dir.Path, IntraOpThreads = 1 });

    static GenerationRequest Inpaint(byte[] init, byte[] mask) => new()
    {
        Model = "tiny", Prompt = "a cat", Width = 64, Height = 64, Steps = 4, Seed = 3, InitImage = init, Mask = mask,
        MaskBlurX = 2, MaskBlurY = 2, DenoisingStrength = 0.9,
    };

    [Fact]
    public void Whole_picture_inpainting_keeps_every_pixel_outside_the_mask()
    {
        TinyModels.BuildSd15(_dir.Sub("Stable-diffusion", "tiny"), TinyDialect.OptimumFp32);
        var init = Gradient(64, 64);
        var maskPng = RectMask(64, 64, 24, 24, 40, 40);
        using var engine = Engine();
        var image = engine.Generate(Inpaint(init, maskPng)).Images[0];

        var before = Pixels(init);
        var after = Pixels(image.Png, out int w, out int h);
        Assert.Equal((64, 64), (w, h));
        // Where the overlay mask (blurred, doubled) is 0 the picture is the user's, exactly.
        var overlayMask = InpaintMasks.Doubled(InpaintMasks.Blur(ImageInput.LoadMask(maskPng), 2, 2));
        int kept = 0, changed = 0;
        for (int i = 0; i < before.Length; i++)
        {
            if (overlayMask.Pixels[i] == 0) { Assert.Equal(before[i], after[i]); kept++; }
            else if (overlayMask.Pixels[i] == 255 && MaxDifference(before[i], after[i]) > 8) changed++;
        }
        Assert.True(kept > 3000, $"{kept} pixels outside the mask");
        Assert.True(changed > 100, $"only {changed} masked pixels were repainted");
        Assert.Contains(", Denoising strength: 0.9, Mask blur: 2", image.Infotext);
    }

    [Fact]
    public void Only_masked_paints_the_crop_at_full_size_and_pastes_it_back_into_the_original_size()
    {
        TinyModels.BuildSd15(_dir.Sub("Stable-diffusion", "tiny"), TinyDialect.OptimumFp32);
        var init = Gradient(160, 96);
        var maskPng = RectMask(160, 96, 100, 30, 120, 50);
        using var engine = Engine();
        var image = engine.Generate(Inpaint(init, maskPng) with { InpaintFullRes = true, InpaintFullResPadding = 8 }).Images[0];

        var before = Pixels(init);
        var after = Pixels(image.Png, out int w, out int h);
        Assert.Equal((160, 96), (w, h)); // the user's size, not W×H
        var blurred = InpaintMasks.Blur(ImageInput.LoadMask(maskPng), 2, 2); // "Only masked" overlays the plain blurred mask
        int changed = 0;
        for (int i = 0; i < before.Length; i++)
        {
            if (blurred.Pixels[i] == 0) Assert.Equal(before[i], after[i]);
            else if (blurred.Pixels[i] == 255 && MaxDifference(before[i], after[i]) > 8) changed++;
        }
        Assert.True(changed > 50, $"only {changed} masked pixels were repainted");
        Assert.Contains("Size: 64x64", image.Infotext);
        Assert.Contains(", Mask blur: 2, Inpaint area: Only masked, Masked area padding: 8", image.Infotext);
    }

    [Fact]
    public void Inverted_masks_repaint_the_outside_and_are_recorded()
    {
        TinyModels.BuildSd15(_dir.Sub("Stable-diffusion", "tiny"), TinyDialect.OptimumFp32);
        var init = Gradient(64, 64);
        var maskPng = RectMask(64, 64, 0, 0, 64, 32); // top half white
        using var engine = Engine();
        var image = engine.Generate(Inpaint(init, maskPng) with { InpaintingMaskInvert = true, MaskBlurX = 0, MaskBlurY = 0 }).Images[0];
        var before = Pixels(init);
        var after = Pixels(image.Png);
        for (int i = 0; i < 64 * 32; i++) Assert.Equal(before[i], after[i]); // the white half is kept now
        Assert.Contains(", Mask mode: Inpaint not masked", image.Infotext);
        Assert.DoesNotContain("Mask blur", image.Infotext);
    }

    [Fact]
    public void Outpainting_with_resize_and_fill_keeps_the_fitted_picture()
    {
        TinyModels.BuildSd15(_dir.Sub("Stable-diffusion", "tiny"), TinyDialect.OptimumFp32);
        // A 32x64 picture fitted into 64x64 with "Resize and fill": 16-pixel bands left and right to outpaint.
        var init = Gradient(32, 64);
        var maskPng = Png(32, 64, (x, y) => new Rgb24(0, 0, 0));
        using var engine = Engine();
        var request = Inpaint(init, maskPng) with { ResizeMode = ResizeMode.ResizeAndFill, MaskBlurX = 0, MaskBlurY = 0 };
        var image = engine.Generate(request with { Mask = Png(64, 64, (x, y) => x < 16 || x >= 48 ? new Rgb24(255, 255, 255) : new Rgb24(0, 0, 0)) }).Images[0];
        using var source = ImageInput.Load(init);
        using var fitted = ImageInput.Resize(source, 64, 64, ResizeMode.ResizeAndFill);
        var after = Pixels(image.Png);
        for (int y = 0; y < 64; y++)
            for (int x = 16; x < 48; x++)
                Assert.Equal(fitted[x, y], after[y * 64 + x]);
    }

    [Fact]
    public void A_mask_without_an_init_image_or_with_latent_upscale_is_a_bad_request()
    {
        using var engine = Engine();
        var mask = RectMask(8, 8, 0, 0, 4, 4);
        Assert.Throws<ArgumentException>(() => engine.Generate(new GenerationRequest { Mask = mask }));
        Assert.Throws<ArgumentException>(() => engine.Generate(new GenerationRequest { Mask = mask, InitImage = mask, ResizeMode = ResizeMode.LatentUpscale }));
        Assert.Throws<ArgumentException>(() => engine.Generate(new GenerationRequest { Mask = mask, InitImage = mask, MaskBlurX = -1 }));
    }

    // ---- the setup (init latent, masks, masked content) on the fake model, whose VAE is linear -------------------

    (DiffusionModel Model, VaeCodec Vae, RunOptions Run) LoadFake(string name, FakeUnetSpec? unet = null)
    {
        string dir = FakeModelFolder.Build(_dir.Sub(name), new FakeModelSpec { Unet = unet ?? new FakeUnetSpec(), ScalingFactor = 1 });
        var folder = ModelFolder.Open(dir);
        var model = DiffusionModel.Load(new ModelInfo(name, dir, "sd1", null), folder, new OnnxSessionFactory(new EngineOptions { IntraOpThreads = 1 }), _ => TinyTokenizer.Value);
        var run = new RunOptions();
        return (model, new VaeCodec(model, new EngineOptions(), null, run), run);
    }

    [Theory]
    [InlineData(InpaintingFill.Original, null)]
    [InlineData(InpaintingFill.LatentNothing, "latent nothing")]
    [InlineData(InpaintingFill.LatentNoise, "latent noise")]
    [InlineData(InpaintingFill.Fill, "fill")]
    public void Masked_content_sets_the_masked_init_latent_as_A1111(InpaintingFill fill, string? recorded)
    {
        var (model, vae, run) = LoadFake("fake");
        using var _ = model;
        using var __ = run;
        var color = new Rgb24(200, 40, 100);
        var request = new GenerationRequest
        {
            Width = 64, Height = 64, BatchSize = 2, InitImage = Uniform(64, 64, color), Mask = RectMask(64, 64, 0, 0, 32, 64),
            MaskBlurX = 0, MaskBlurY = 0, InpaintingFill = fill,
        };
        var setup = InitImageSetup.Prepare(request, model, vae, new CapturingImageOutput(), [7, 8]);
        var init = setup.InitLatent!;
        var nmask = setup.NMask!;
        Assert.Equal(2 * 4 * 64, init.Length);
        Assert.Equal(new float[] { 1, 1, 1, 1, 0, 0, 0, 0 }, nmask[..8]);
        float[] expected = [color.R / 255f * 2 - 1, color.G / 255f * 2 - 1, color.B / 255f * 2 - 1, 0];
        expected[3] = (expected[0] + expected[1] + expected[2]) / 3;
        var noise = new float[init.Length];
        new WebUI.Diffusion.Sampling.Rng.ImageNoise("GPU", [7, 8], 4, 8, 8).First(noise);
        for (int i = 0; i < init.Length; i++)
        {
            int c = i / 64 % 4, x = i % 8;
            if (x >= 4) { Assert.Equal(expected[c], init[i], 4); continue; } // kept: the user's colour
            switch (fill)
            {
                case InpaintingFill.Original: Assert.Equal(expected[c], init[i], 4); break;
                case InpaintingFill.LatentNothing: Assert.Equal(0f, init[i]); break;
                case InpaintingFill.LatentNoise: Assert.Equal(noise[i], init[i], 5); break; // per image: seeds 7 and 8
                case InpaintingFill.Fill: Assert.Equal(expected[c], init[i], 1); break;    // blurred copies of the same colour
            }
        }
        Assert.Equal(recorded, setup.Extras.FirstOrDefault(e => e.Key == "Masked content").Value as string);
        Assert.NotNull(setup.Overlay);
        Assert.Null(setup.ImageConditioning);
    }

    [Fact]
    public void Blending_k_diffusion_samplers_mixes_the_denoised_estimate()
    {
        var inner = new RecordingDenoiser(d: 5f);
        float[] init = [1, 2, 3, 4], nmask = [1, 0];        // 2 channels × 1×2 latent: pixel 0 repaint, pixel 1 keep
        var masked = new MaskedDenoiser(inner, init, nmask, channels: 2, blendBeforeDenoising: false);
        var d = new float[4];
        masked.Denoise([10, 20, 30, 40], 2.0, d);
        Assert.Equal(new float[] { 10, 20, 30, 40 }, inner.LastX);
        Assert.Equal(new float[] { 5, 2, 5, 4 }, d);
    }

    [Fact]
    public void Blending_timestep_samplers_blends_the_input_in_vp_space_and_keeps_the_samplers_epsilon()
    {
        var inner = new RecordingDenoiser(d: 5f);
        float[] init = [1, 2, 3, 4], nmask = [1, 0];
        var masked = new MaskedDenoiser(inner, init, nmask, channels: 2, blendBeforeDenoising: true);
        var d = new float[4];
        double sigma = 2.0;
        float k = (float)Math.Sqrt(1 + sigma * sigma);
        float[] x = [10, 20, 30, 40];
        masked.Denoise(x, sigma, d);
        // The UNet sees x_VP·m + x₀·(1 − m), i.e. x·m + √(1+σ²)·x₀·(1 − m) in k-space…
        Assert.Equal(new[] { 10f, 2 * k, 30f, 4 * k }, inner.LastX);
        // …and the sampler gets ε = (x' − D')/σ back relative to its own x: D = D' + x − x'.
        for (int i = 0; i < 4; i++) Assert.Equal(5f + x[i] - inner.LastX![i], d[i], 5);
    }

    sealed class RecordingDenoiser(float d) : IGuidedDenoiser
    {
        public float[]? LastX;
        public void Denoise(ReadOnlySpan<float> x, double sigma, Span<float> denoised) { LastX = x.ToArray(); denoised.Fill(d); }
        public void DenoiseGuided(ReadOnlySpan<float> x, double sigma, double m, Span<float> denoised, Span<float> u) { Denoise(x, sigma, denoised); u.Fill(d); }
    }
}
