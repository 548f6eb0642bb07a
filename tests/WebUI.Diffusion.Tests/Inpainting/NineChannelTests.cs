using Onnx;
using SixLabors.ImageSharp.PixelFormats;
using WebUI.Diffusion.Imaging;
using WebUI.Diffusion.Models;
using WebUI.Diffusion.Pipelines;
using WebUI.Diffusion.Sampling;
using WebUI.Diffusion.Tests.Pipelines;
using WebUI.ModelForge;
using WebUI.ModelForge.Onnx;
using static WebUI.Diffusion.Tests.Inpainting.TestPictures;

namespace WebUI.Diffusion.Tests.Inpainting;

/// <summary>
/// Inpainting UNets (9 input channels): detection (static dims → config → probe) and the channel order
/// latents ‖ mask ‖ masked-image latents, checked with a fake UNet whose ideal denoiser reads the extra channels:
/// D = 0.3·mask + masked-image latents.
/// </summary>
public sealed class NineChannelTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    const float MaskGain = 0.3f;

    /// <summary>The fake inpainting UNet: channel axis dynamic and no config, so the engine must probe it.</summary>
    static ModelProto FakeInpaintUnet()
    {
        var g = new GraphBuilder("fake_inpaint_unet");
        g.Input("sample", ElementType.Float, "batch", "channels", "height", "width");
        g.Input("timestep", ElementType.Float, "timestep_batch");
        g.Input("encoder_hidden_states", ElementType.Float, "batch", "sequence", 32);
        string tf = g.Op("Reshape", "timestep", g.Ints(1));
        var logSigmas = NoiseSchedule.Default.Sigmas.Select(x => (float)Math.Log(x)).ToArray();
        string table = g.Initializer("log_sigmas", logSigmas, [logSigmas.Length]);
        string lo = g.Op("Cast", [g.Op("Floor", tf)], ("to", (int)ElementType.Int64));
        string hi = g.Op("Min", g.Op("Add", lo, g.Ints(1)), g.Ints(logSigmas.Length - 1));
        string frac = g.Op("Sub", tf, g.Op("Cast", [lo], ("to", (int)ElementType.Float)));
        string llo = g.Op("Gather", [table, lo], ("axis", 0));
        string lhi = g.Op("Gather", [table, hi], ("axis", 0));
        string sigma = g.Op("Exp", g.Op("Add", llo, g.Op("Mul", frac, g.Op("Sub", lhi, llo))));
        string k = g.Op("Sqrt", g.Op("Add", g.Scalar(1f), g.Op("Mul", sigma, sigma)));

        string Channels(int from, int to) => g.Op("Slice", "sample", g.Ints(from), g.Ints(to), g.Ints(1));
        string x = g.Op("Mul", Channels(0, 4), k);
        string d = g.Op("Add", g.Op("Mul", Channels(4, 5), g.Scalar(MaskGain)), Channels(5, 9));
        string eps = g.Op("Div", g.Op("Sub", x, d), sigma);
        g.OutputAs(eps, "out_sample", ElementType.Float, "batch", 4, "height", "width");
        return g.Build();
    }

    string BuildFake(string name)
    {
        string dir = FakeModelFolder.Build(_dir.Sub("Stable-diffusion", name), new FakeModelSpec { ScalingFactor = 1, ExternalData = null });
        ModelWriter.Save(FakeInpaintUnet(), Path.Combine(dir, "unet", "model.onnx"));
        return dir;
    }

    GenerationEngine Engine(CapturingImageOutput output) =>
        new(new EngineOptions { ModelsDir = _dir.Path, IntraOpThreads = 1 }, new EngineServices(_ => TinyTokenizer.Value, output));

    static GenerationRequest Request(string model) => new()
    {
        Model = model, Prompt = "x", Width = 64, Height = 64, Steps = 3, Seed = 1, CfgScale = 1, Sampler = "Euler", Scheduler = "Karras",
    };

    static byte Pixel(float latent) => LatentImage.ToByte(FakeModelFolder.DecoderGain * latent);

    [Fact]
    public void The_probe_finds_nine_channels_and_txt2img_feeds_a_full_mask_and_a_grey_picture()
    {
        BuildFake("fake9");
        var output = new CapturingImageOutput();
        using var engine = Engine(output);
        var result = engine.Generate(Request("fake9"));
        Assert.Equal(9, engine.Loaded!.Unet.InChannels);
        // Mask 1, masked-image latents of an all-grey picture (0): D = 0.3 everywhere; Euler ends on D.
        var rgb = output.Images.Single().Rgb;
        Assert.All(rgb, v => Assert.Equal(FakeModelFolder.DecoderGain * MaskGain, v, 5));
        Assert.Contains(new KeyValuePair<string, object?>("Conditional mask weight", "1.0"), output.Images.Single().Facts.Extra!);
        Assert.Single(result.Images);
    }

    [Fact]
    public void Inpainting_feeds_latents_then_mask_then_masked_image_latents()
    {
        BuildFake("fake9");
        var output = new CapturingImageOutput();
        using var engine = Engine(output);
        var color = new Rgb24(200, 60, 120);
        // A half-strength mask everywhere (no rounding): every channel group shows in the result.
        var request = Request("fake9") with
        {
            InitImage = Uniform(64, 64, color), Mask = Uniform(64, 64, new Rgb24(128, 128, 128)), MaskRound = false,
            MaskBlurX = 0, MaskBlurY = 0, DenoisingStrength = 1.0,
        };
        engine.Generate(request);
        float m = 128 / 255f;
        float[] c = [color.R / 255f * 2 - 1, color.G / 255f * 2 - 1, color.B / 255f * 2 - 1];
        var rgb = output.Images.Single().Rgb;
        for (int ch = 0; ch < 3; ch++)
        {
            float d = MaskGain * m + c[ch] * (1 - m);       // mask channel, then the masked picture's latent
            float blended = d * m + c[ch] * (1 - m);        // A1111 blends the denoised estimate…
            float final = blended * m + c[ch] * (1 - m);    // …and the result once more
            // The overlay mask is clip(2·128) = 255: the picture is all generated, written at pixel centres.
            Assert.Equal(Pixel(final), LatentImage.ToByte(rgb[ch * 64 * 64 + 100]));
        }
    }

    [Fact]
    public void A_binary_mask_repaints_with_the_mask_channel_and_keeps_the_rest()
    {
        BuildFake("fake9");
        var output = new CapturingImageOutput();
        using var engine = Engine(output);
        var color = new Rgb24(30, 220, 90);
        var request = Request("fake9") with
        {
            InitImage = Uniform(64, 64, color), Mask = RectMask(64, 64, 0, 0, 32, 64), MaskBlurX = 0, MaskBlurY = 0, DenoisingStrength = 1.0,
        };
        engine.Generate(request);
        var rgb = output.Images.Single().Rgb;
        for (int y = 0; y < 64; y += 7)
            for (int x = 0; x < 64; x += 5)
            {
                byte r = LatentImage.ToByte(rgb[y * 64 + x]), g = LatentImage.ToByte(rgb[64 * 64 + y * 64 + x]);
                if (x < 32) Assert.Equal((Pixel(MaskGain), Pixel(MaskGain)), (r, g));   // mask 1, masked picture 0
                else Assert.Equal((color.R, color.G), (r, g));                            // the overlay restores the user's pixels
            }
    }

    [Theory]
    [InlineData(TinyDialect.DiffusersFp32)] // dynamic channels, no config: probed
    [InlineData(TinyDialect.OptimumFp32)]   // fixed 9 and in_channels 9
    public void The_tiny_inpainting_model_runs_txt2img_img2img_and_inpainting(TinyDialect dialect)
    {
        TinyModels.BuildSd15Inpaint(_dir.Sub("Stable-diffusion", "inpaint"), dialect);
        using var engine = new GenerationEngine(new EngineOptions { ModelsDir = _dir.Path, IntraOpThreads = 1 });
        var request = new GenerationRequest { Model = "inpaint", Prompt = "a cat", Width = 64, Height = 64, Steps = 2, Seed = 1 };
        var txt = engine.Generate(request).Images[0];
        Assert.Equal(9, engine.Loaded!.Unet.InChannels);
        Assert.Contains(", Conditional mask weight: 1.0", txt.Infotext);

        var init = Gradient(64, 64);
        var inpaint = engine.Generate(request with { InitImage = init, Mask = RectMask(64, 64, 16, 16, 48, 48), MaskBlurX = 0, MaskBlurY = 0 }).Images[0];
        Assert.Contains(", Denoising strength: 0.75, Conditional mask weight: 1.0", inpaint.Infotext);
        var before = Pixels(init);
        var after = Pixels(inpaint.Png);
        Assert.Equal(before[0], after[0]);
        Assert.Equal(before[63 * 64 + 63], after[63 * 64 + 63]);
        Assert.NotEqual(before[32 * 64 + 32], after[32 * 64 + 32]);

        engine.Generate(request with { InitImage = init, DenoisingStrength = 0.5 });
    }
}
