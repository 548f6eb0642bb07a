using WebUI.Diffusion.Imaging;
using WebUI.Diffusion.Pipelines;

namespace WebUI.Diffusion.Tests.Inpainting;

/// <summary>torch.nn.functional.interpolate modes behind the hires "Latent (…)" upscalers.</summary>
public sealed class LatentResizeTests
{
    static float[] Ramp(int n) => Enumerable.Range(0, n).Select(i => (float)i).ToArray();

    [Fact]
    public void Nearest_and_nearest_exact_pick_torch_indices()
    {
        // 2 → 3: nearest ⌊i·2/3⌋ = 0,0,1; nearest-exact ⌊(i+½)·2/3⌋ = 0,1,1.
        Assert.Equal(new float[] { 0, 0, 1 }, LatentResize.Resize(Ramp(2), 1, 1, 2, 1, 3, LatentResizeMode.Nearest));
        Assert.Equal(new float[] { 0, 1, 1 }, LatentResize.Resize(Ramp(2), 1, 1, 2, 1, 3, LatentResizeMode.NearestExact));
        // ×2: nearest repeats each element.
        Assert.Equal(new float[] { 0, 0, 1, 1, 2, 2 }, LatentResize.Resize(Ramp(3), 1, 1, 3, 1, 6, LatentResizeMode.Nearest));
    }

    [Fact]
    public void Bicubic_uses_torch_weights_with_a_minus_0_75()
    {
        var up = LatentResize.Resize(Ramp(8), 1, 1, 8, 1, 16, LatentResizeMode.Bicubic);
        // Output 4 samples source 1.75 (t = 0.75): weights −0.03515625, 0.26171875, 0.87890625, −0.10546875 on
        // inputs 0..3. A = −0.75 does not reproduce a line (only −0.5 would), so this is 1.703125, not 1.75.
        Assert.Equal(1.703125f, up[4], 5);
        // Odd/even outputs of a ramp repeat with period 2 inside: t alternates 0.25 / 0.75.
        Assert.Equal(1f, up[6] - up[4], 5);
        Assert.Equal(1f, up[7] - up[5], 5);
        // At the left border the source −0.25 is not clamped (cubic), its taps −2..1 are: 0, 0, 0, 1 → w₃.
        Assert.Equal(-0.10546875f, up[0], 6);
    }

    [Fact]
    public void Antialiased_bilinear_halving_uses_the_widened_triangle()
    {
        // Scale 2, support 2: interior outputs weigh 4 inputs 1/8, 3/8, 3/8, 1/8.
        var down = LatentResize.Resize(Ramp(8).Select(v => v * v).ToArray(), 1, 1, 8, 1, 4, LatentResizeMode.BilinearAntialiased);
        float Expected(int o) => (1 * Sq(2 * o - 1) + 3 * Sq(2 * o) + 3 * Sq(2 * o + 1) + 1 * Sq(2 * o + 2)) / 8f;
        static float Sq(int v) => v * v;
        Assert.Equal(Expected(1), down[1], 4);
        Assert.Equal(Expected(2), down[2], 4);
        // Plain bilinear halving is the 2-tap average instead.
        var plain = LatentResize.Resize(Ramp(8).Select(v => v * v).ToArray(), 1, 1, 8, 1, 4, LatentResizeMode.Bilinear);
        Assert.Equal((Sq(2) + Sq(3)) / 2f, plain[1], 4);
    }

    [Fact]
    public void Every_mode_keeps_a_constant_latent_constant()
    {
        var flat = Enumerable.Repeat(0.37f, 2 * 5 * 7).ToArray();
        foreach (var mode in Enum.GetValues<LatentResizeMode>())
            Assert.All(LatentResize.Resize(flat, 2, 5, 7, 9, 13, mode), v => Assert.Equal(0.37f, v, 5));
    }

    [Fact]
    public void Hires_target_follows_calculate_target_resolution()
    {
        var r = new GenerationRequest { Width = 512, Height = 512, EnableHr = true };
        Assert.Equal((1024, 1024, 0, 0), Size(HiresFix.TargetOf(r with { HrScale = 2 })));
        Assert.Equal((768, 768, 0, 0), Size(HiresFix.TargetOf(r with { HrScale = 1.5 })));
        Assert.Equal((1024, 1024, 0, 0), Size(HiresFix.TargetOf(r with { HrResizeX = 1024 })));
        Assert.Equal((640, 640, 0, 0), Size(HiresFix.TargetOf(r with { HrResizeY = 640 })));
        // Both sides: cover 1024x768, then crop (1024 − 768)/8 = 32 latent rows.
        var t = HiresFix.TargetOf(r with { HrResizeX = 1024, HrResizeY = 768 });
        Assert.Equal((1024, 1024, 0, 32), Size(t));
        Assert.Equal((128, 96), (t.LatentWidth, t.LatentHeight));
        Assert.Equal("Hires resize", t.Infotext.Key);
        Assert.Equal("1024x768", t.Infotext.Value);
    }

    static (int, int, int, int) Size(HiresFix.Target t) => (t.UpscaleWidth, t.UpscaleHeight, t.TruncateX, t.TruncateY);

    [Fact]
    public void Truncate_cuts_floor_half_at_the_top_and_the_rest_at_the_bottom()
    {
        var latent = Ramp(1 * 5 * 2); // rows 0..4 of [0,1],[2,3],...
        var cut = HiresFix.Truncate(latent, 1, 5, 2, truncateY: 3, truncateX: 0);
        Assert.Equal(new float[] { 2, 3, 4, 5 }, cut); // 1 row off the top, 2 off the bottom
    }

    [Fact]
    public void Image_upscalers_resize_to_the_exact_target()
    {
        var rgb = Enumerable.Range(0, 8 * 4 * 3).Select(i => (byte)(i * 5)).ToArray();
        foreach (var name in HiresFix.ImageUpscalers)
            Assert.Equal(20 * 10 * 3, HiresFix.UpscaleImage(rgb, 8, 4, 20, 10, name).Length);
        // Nearest doubling repeats pixels.
        var doubled = HiresFix.UpscaleImage(rgb, 8, 4, 16, 8, "Nearest");
        Assert.Equal(rgb.AsSpan(0, 3).ToArray(), doubled.AsSpan(3, 3).ToArray());
        Assert.Throws<ArgumentException>(() => HiresFix.CheckUpscaler("ESRGAN_4x"));
    }
}
