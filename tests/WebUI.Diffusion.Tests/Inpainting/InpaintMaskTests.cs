using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using WebUI.Diffusion.Imaging;
using WebUI.Diffusion.Pipelines;

namespace WebUI.Diffusion.Tests.Inpainting;

/// <summary>A1111's mask handling (a1111-reference §8.3): reading, blur, "Only masked" crop box, latent masks.</summary>
public sealed class InpaintMaskTests
{
    static byte[] Png<TPixel>(Image<TPixel> image) where TPixel : unmanaged, IPixel<TPixel>
    {
        using var ms = new MemoryStream();
        image.SaveAsPng(ms);
        return ms.ToArray();
    }

    [Fact]
    public void An_opaque_mask_is_read_as_pillow_luminance()
    {
        using var img = new Image<Rgb24>(3, 1);
        img[0, 0] = new Rgb24(255, 255, 255);
        img[1, 0] = new Rgb24(255, 0, 0);   // (19595·255 + 0x8000) >> 16 = 76
        img[2, 0] = new Rgb24(10, 200, 30);  // (19595·10 + 38470·200 + 7471·30 + 0x8000) >> 16 = 124
        var mask = ImageInput.LoadMask(Png(img));
        Assert.Equal(new byte[] { 255, 76, 124 }, mask.Pixels);
    }

    [Fact]
    public void A_transparent_mask_uses_its_alpha_thresholded_above_128_when_rounding()
    {
        using var img = new Image<Rgba32>(4, 1);
        img[0, 0] = new Rgba32(0, 0, 0, 0);
        img[1, 0] = new Rgba32(0, 0, 0, 128);
        img[2, 0] = new Rgba32(0, 0, 0, 129);
        img[3, 0] = new Rgba32(0, 0, 0, 255);
        Assert.Equal(new byte[] { 0, 0, 255, 255 }, ImageInput.LoadMask(Png(img), round: true).Pixels);
        Assert.Equal(new byte[] { 0, 128, 129, 255 }, ImageInput.LoadMask(Png(img), round: false).Pixels);
    }

    [Fact]
    public void Blur_uses_opencv_kernel_size_and_spreads_symmetrically()
    {
        Assert.Equal(21, InpaintMasks.Kernel(4).Length);   // 2·⌊2.5·4 + 0.5⌋ + 1
        Assert.Equal(11, InpaintMasks.Kernel(2).Length);  // 2·⌊5.5⌋ + 1
        Assert.Equal(1.0, InpaintMasks.Kernel(4).Sum(), 12);

        var p = new byte[31 * 31];
        p[15 * 31 + 15] = 255;
        var blurred = InpaintMasks.Blur(new GrayImage(p, 31, 31), 2, 2);
        Assert.True(blurred[15, 15] < 255 && blurred[15, 15] > 0);
        Assert.Equal(blurred[13, 15], blurred[17, 15]);
        Assert.Equal(blurred[15, 13], blurred[15, 17]);
        Assert.Equal(blurred[13, 15], blurred[15, 13]);
        Assert.Equal(0, blurred[0, 0]);
        // Blur 0 on an axis leaves it alone.
        var onlyY = InpaintMasks.Blur(new GrayImage(p, 31, 31), 0, 2);
        Assert.Equal(0, onlyY[14, 15]);
        Assert.True(onlyY[15, 14] > 0);
    }

    [Fact]
    public void Crop_region_is_the_padded_box_grown_to_the_processing_aspect()
    {
        // The masking.py docstring's example: a 128x32 mark, 512x512 processing → a 128x128 region.
        var p = new byte[512 * 512];
        for (int y = 200; y < 232; y++) for (int x = 100; x < 228; x++) p[y * 512 + x] = 255;
        var mask = new GrayImage(p, 512, 512);
        Assert.Equal((100, 200, 228, 232), mask.BoundingBox());
        Assert.Equal((100, 152, 228, 280), InpaintMasks.CropRegion(mask, 0, 512, 512));
        // Padding 32 clamps at nothing here; the 192x96 box grows to 192x192, centred.
        Assert.Equal((68, 120, 260, 312), InpaintMasks.CropRegion(mask, 32, 512, 512));
        Assert.Null(InpaintMasks.CropRegion(new GrayImage(new byte[64], 8, 8), 32, 512, 512));
    }

    [Fact]
    public void Crop_region_is_shifted_back_inside_the_image()
    {
        var p = new byte[100 * 100];
        for (int y = 0; y < 10; y++) for (int x = 40; x < 60; x++) p[y * 100 + x] = 255; // 20x10 at the top edge
        var box = InpaintMasks.CropRegion(new GrayImage(p, 100, 100), 0, 64, 64)!.Value;
        Assert.Equal((40, 0, 60, 20), box);
    }

    [Fact]
    public void Latent_mask_rounds_the_bicubic_downscale()
    {
        // Left half white on 64x16: latent columns 0–3 repaint, 4–7 keep; the unrounded edge column is in between.
        var p = new byte[64 * 16];
        for (int y = 0; y < 16; y++) for (int x = 0; x < 32; x++) p[y * 64 + x] = 255;
        var mask = new GrayImage(p, 64, 16);
        var rounded = InpaintMasks.LatentMask(mask, 8, 2, round: true);
        Assert.Equal(new float[] { 1, 1, 1, 1, 0, 0, 0, 0 }, rounded[..8]);
        var soft = InpaintMasks.LatentMask(mask, 8, 2, round: false);
        Assert.Equal(1f, soft[0]);
        Assert.InRange(soft[3], 0.5f, 0.999f);
        Assert.InRange(soft[4], 0.001f, 0.5f);
        Assert.Equal(0f, soft[7]);
        // The 9-channel conditioning mask takes the pixel at (8i, 8j) (torch nearest).
        var cond = InpaintMasks.ConditioningMask(mask, 8, 2, round: true);
        Assert.Equal(new float[] { 1, 1, 1, 1, 0, 0, 0, 0 }, cond[..8]);
    }

    [Fact]
    public void Pillow_bicubic_averages_a_2_to_1_reduction()
    {
        var out1 = PilResample.Resize([10, 20], 1, 2, 1, 1, 1, PilFilter.Bicubic);
        Assert.Equal(new byte[] { 15 }, out1);
        var flat = PilResample.Resize(Enumerable.Repeat((byte)77, 64).ToArray(), 1, 8, 8, 3, 5, PilFilter.Bicubic);
        Assert.All(flat, v => Assert.Equal(77, v));
    }

    [Fact]
    public void Mask_resize_modes_match_the_image_resize_modes()
    {
        // A gray mask resized like an RGB image gives the RGB result's channel (Pillow resizes channels independently).
        using var rgb = Imaging.TestImages.Gradient(24, 12);
        var gray = new byte[24 * 12];
        for (int i = 0; i < gray.Length; i++) gray[i] = rgb[i % 24, i / 24].R;
        using var grayAsRgb = new Image<Rgb24>(24, 12);
        for (int i = 0; i < gray.Length; i++) grayAsRgb[i % 24, i / 24] = new Rgb24(gray[i], gray[i], gray[i]);
        foreach (var mode in new[] { ResizeMode.JustResize, ResizeMode.CropAndResize, ResizeMode.ResizeAndFill })
        {
            using var expected = ImageInput.Resize(grayAsRgb, 16, 16, mode);
            var actual = ImageInput.ResizePixels(gray, 1, 24, 12, 16, 16, mode);
            for (int i = 0; i < actual.Length; i++) Assert.Equal(expected[i % 16, i / 16].R, actual[i]);
        }
    }
}
