using System.Text.Json;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using WebUI.Tests.Support;

namespace WebUI.Tests.Cli;

/// <summary>`webui generate`'s inpainting, hires fix, VAE and memory flags on the demo model.</summary>
[Collection(DemoDataDirCollection.Name)]
public sealed class InpaintHiresCliTests(DemoDataDir data)
{
    static async Task<string> Infotext(string png)
    {
        var info = await CliRunner.RunAsync("png-info", png);
        Assert.Equal(0, info.ExitCode);
        using var json = JsonDocument.Parse(info.Out);
        return json.RootElement.GetProperty("info").GetString()!;
    }

    [Fact]
    public async Task Mask_flags_inpaint_and_keep_the_unmasked_pixels()
    {
        using var dir = new TempDirectory();
        var baseRun = await CliRunner.RunAsync("generate", "--data-dir", data.Path, "--prompt", "a sunset over the sea", "--steps", "4",
            "--seed", "1", "--width", "64", "--height", "64", "--out", dir.Combine("base.png"));
        Assert.True(baseRun.ExitCode == 0, baseRun.Error);
        using (var mask = new Image<L8>(64, 64))
        {
            for (int y = 16; y < 48; y++) for (int x = 16; x < 48; x++) mask[x, y] = new L8(255);
            mask.SaveAsPng(dir.Combine("mask.png"));
        }
        var run = await CliRunner.RunAsync("generate", "--data-dir", data.Path, "--prompt", "a forest", "--steps", "4", "--seed", "2",
            "--width", "64", "--height", "64", "--init-image", dir.Combine("base.png"), "--mask", dir.Combine("mask.png"),
            "--mask-blur", "2", "--inpainting-fill", "latent-nothing", "--inpaint-full-res", "--inpaint-full-res-padding", "8",
            "--memory-mode", "sequential", "--out", dir.Combine("inpaint.png"));
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("Denoising strength: 0.75, Mask blur: 2, Inpaint area: Only masked, Masked area padding: 8, Masked content: latent nothing",
            await Infotext(dir.Combine("inpaint.png")));
        using var before = Image.Load<Rgb24>(dir.Combine("base.png"));
        using var after = Image.Load<Rgb24>(dir.Combine("inpaint.png"));
        Assert.Equal(before[0, 0], after[0, 0]);
        Assert.Equal(before[63, 63], after[63, 63]);
    }

    [Fact]
    public async Task Hires_flags_upscale_and_are_recorded()
    {
        using var dir = new TempDirectory();
        var run = await CliRunner.RunAsync("generate", "--data-dir", data.Path, "--prompt", "a sunset over the sea", "--steps", "4",
            "--seed", "1", "--width", "64", "--height", "64", "--hr-scale", "2", "--hr-upscaler", "Latent (nearest-exact)",
            "--hr-second-pass-steps", "2", "--vae", "Automatic", "--out", dir.Combine("hr.png"));
        Assert.True(run.ExitCode == 0, run.Error);
        using var image = Image.Load<Rgb24>(dir.Combine("hr.png"));
        Assert.Equal((128, 128), (image.Width, image.Height));
        Assert.EndsWith("Size: 64x64, Model hash: " + (await Infotext(dir.Combine("hr.png"))).Split("Model hash: ")[1].Split(',')[0]
            + ", Model: demo, Denoising strength: 0.7, Hires upscale: 2, Hires steps: 2, Hires upscaler: Latent (nearest-exact)",
            await Infotext(dir.Combine("hr.png")));
    }

    [Theory]
    [InlineData("--mask", "x.png")]
    [InlineData("--mask-blur", "4")]
    [InlineData("--memory-mode", "fast")]
    [InlineData("--inpainting-fill", "sometimes")]
    public async Task Bad_flags_fail_with_a_usage_error(string flag, string value)
    {
        var run = await CliRunner.RunAsync("generate", "--data-dir", data.Path, "--prompt", "x", "--steps", "1", "--width", "64", "--height", "64", flag, value);
        Assert.NotEqual(0, run.ExitCode);
        Assert.NotEmpty(run.Error);
    }
}
