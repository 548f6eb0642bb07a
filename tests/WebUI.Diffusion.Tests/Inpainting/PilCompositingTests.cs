using WebUI.Diffusion.Imaging;
using WebUI.Diffusion.Pipelines;

namespace WebUI.Diffusion.Tests.Inpainting;

/// <summary>Pillow's 8-bit compositing as A1111's overlay and "fill" use it.</summary>
public sealed class PilCompositingTests
{
    static byte[] Noise(int n, int seed)
    {
        var r = new Random(seed);
        var b = new byte[n];
        r.NextBytes(b);
        return b;
    }

    // Decoder output whose truncating 8-bit conversion is exactly these bytes.
    static float[] Decoded(byte[] rgb, int w, int h)
    {
        var chw = new float[rgb.Length];
        for (int i = 0; i < w * h; i++) for (int c = 0; c < 3; c++) chw[c * w * h + i] = InpaintOverlay.ToFloat(rgb[3 * i + c]);
        return chw;
    }

    [Fact]
    public void The_overlay_restores_every_unmasked_pixel_exactly_and_blends_soft_edges()
    {
        const int W = 16, H = 8;
        var original = Noise(W * H * 3, 1);
        var generated = Noise(W * H * 3, 2);
        var m = new byte[W * H];
        for (int i = 0; i < m.Length; i++) m[i] = (byte)(i % 3 == 0 ? 0 : i % 3 == 1 ? 255 : 100);
        var overlay = PilCompositing.MaskedOverlay(original, new GrayImage(m, W, H));
        var result = new InpaintOverlay(overlay, W, H, null).Apply(Decoded(generated, W, H), W, H);
        var pixels = InpaintOverlay.ToInterleaved(result, W, H);
        for (int i = 0; i < W * H; i++)
            for (int c = 0; c < 3; c++)
            {
                int o = original[3 * i + c], g = generated[3 * i + c], p = pixels[3 * i + c];
                if (m[i] == 0) Assert.Equal(o, p);
                else if (m[i] == 255) Assert.Equal(g, p);
                else Assert.InRange(p, Math.Min(o, g) - 1, Math.Max(o, g) + 1); // 100/255 of the way, rounded
            }
    }

    [Fact]
    public void Decoder_space_floats_round_trip_to_the_same_bytes()
    {
        for (int b = 0; b < 256; b++) Assert.Equal(b, LatentImage.ToByte(InpaintOverlay.ToFloat((byte)b)));
    }

    [Fact]
    public void Uncrop_pastes_the_resized_result_into_the_box_and_keeps_the_rest()
    {
        const int W = 32, H = 32;
        var original = Noise(W * H * 3, 3);
        var m = new byte[W * H];
        for (int y = 8; y < 16; y++) for (int x = 8; x < 16; x++) m[y * W + x] = 255;
        var overlay = PilCompositing.MaskedOverlay(original, new GrayImage(m, W, H));
        var generated = new byte[16 * 16 * 3];
        Array.Fill(generated, (byte)200);
        var result = InpaintOverlay.ToInterleaved(new InpaintOverlay(overlay, W, H, (4, 4, 16, 16)).Apply(Decoded(generated, 16, 16), 16, 16), W, H);
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                for (int c = 0; c < 3; c++)
                    Assert.Equal(m[y * W + x] == 255 ? 200 : original[(y * W + x) * 3 + c], result[(y * W + x) * 3 + c]);
    }

    [Fact]
    public void Fill_keeps_unmasked_pixels_and_spreads_their_colour_into_the_hole()
    {
        const int W = 64, H = 32;
        var rgb = new byte[W * H * 3];
        var m = new byte[W * H];
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
            {
                int i = y * W + x;
                if (x < 32) { rgb[3 * i] = 220; rgb[3 * i + 1] = 30; rgb[3 * i + 2] = 40; } // red left half
                else { rgb[3 * i] = 0; rgb[3 * i + 1] = 255; rgb[3 * i + 2] = 0; m[i] = 255; } // green right half, masked
            }
        var filled = PilCompositing.Fill(rgb, new GrayImage(m, W, H));
        for (int i = 0; i < W * H; i++)
        {
            if (m[i] == 0) Assert.Equal(rgb.AsSpan(3 * i, 3).ToArray(), filled.AsSpan(3 * i, 3).ToArray());
            else
            {
                // The green that was there is gone; the red from the left has flowed in.
                Assert.True(filled[3 * i] > 150 && filled[3 * i + 1] < 80, $"pixel {i}: {filled[3 * i]},{filled[3 * i + 1]},{filled[3 * i + 2]}");
            }
        }
    }

    [Fact]
    public void Gaussian_blur_of_a_flat_image_is_flat_and_radius_zero_is_identity()
    {
        var flat = Enumerable.Repeat((byte)90, 20 * 10 * 4).ToArray();
        Assert.Equal(flat, PilCompositing.GaussianBlur(flat, 20, 10, 7));
        var noise = Noise(20 * 10 * 4, 5);
        Assert.Equal(noise, PilCompositing.GaussianBlur(noise, 20, 10, 0));
    }
}
