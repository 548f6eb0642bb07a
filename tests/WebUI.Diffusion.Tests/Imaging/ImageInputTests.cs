using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using WebUI.Diffusion.Imaging;
using WebUI.Diffusion.Pipelines;

namespace WebUI.Diffusion.Tests.Imaging;

public class ImageInputTests
{
    [Fact]
    public void TextFileRenamedPng_IsRefusedClearly()
    {
        var ex = Assert.Throws<ImageInputException>(() => ImageInput.Load(Encoding.UTF8.GetBytes("hello, I am a text file")));
        Assert.Contains("not an image", ex.Message);
        Assert.Contains("PNG, JPEG, WebP or BMP", ex.Message);
    }

    [Fact]
    public void Empty_IsRefused() =>
        Assert.Contains("empty", Assert.Throws<ImageInputException>(() => ImageInput.Load([])).Message);

    [Fact]
    public void HugeDeclaredSize_IsRefusedBeforeDecoding()
    {
        // A 100000x100000 RGB PNG header with a token IDAT: decoding would need 30 GB.
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, 100_000);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), 100_000);
        ihdr[8] = 8; ihdr[9] = 2;
        var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true)) z.Write(new byte[1000]);
        byte[] png = TestImages.BuildPng([("IHDR", ihdr), ("IDAT", ms.ToArray()), ("IEND", [])]);
        var ex = Assert.Throws<ImageInputException>(() => ImageInput.Load(png));
        Assert.Contains("100000x100000", ex.Message);
        Assert.Contains("above the limit", ex.Message);
    }

    [Fact]
    public void PixelLimit_IsConfigurable()
    {
        using var img = TestImages.Gradient(16, 8);
        byte[] png = PngText.EncodePng(img, (string?)null);
        Assert.Throws<ImageInputException>(() => ImageInput.Load(png, maxPixels: 127));
        using var ok = ImageInput.Load(png, maxPixels: 128);
        Assert.Equal((16, 8), (ok.Width, ok.Height));
    }

    [Fact]
    public void Gif_IsRefusedByName()
    {
        using var img = new Image<Rgba32>(4, 4);
        var ms = new MemoryStream();
        img.SaveAsGif(ms);
        var ex = Assert.Throws<ImageInputException>(() => ImageInput.Load(ms.ToArray()));
        Assert.Contains("GIF images are not supported", ex.Message);
    }

    [Fact]
    public void PngWithoutImageData_IsReportedCorrupt()
    {
        using var img = TestImages.Gradient();
        byte[] png = PngText.EncodePng(img, (string?)null);
        var ex = Assert.Throws<ImageInputException>(() => ImageInput.Load(png[..33])); // signature + IHDR only
        Assert.Contains("corrupt or truncated", ex.Message);
    }

    [Fact]
    public void Jpeg_Bmp_Webp_Png_AllLoadAsRgb()
    {
        using var img = TestImages.Gradient();
        foreach (var bytes in new[]
                 {
                     PngText.EncodePng(img, "x"), PngText.EncodeJpeg(img, "x", 95), PngText.EncodeWebp(img, "x", lossless: true), Bmp(img),
                 })
        {
            using var loaded = ImageInput.Load(bytes);
            Assert.Equal((16, 8), (loaded.Width, loaded.Height));
            Assert.InRange(loaded[15, 0].R, 240, 255);
        }
    }

    [Fact]
    public void ExifOrientation_IsApplied()
    {
        // Stored 3x2 with red at the stored top-left; orientation 6 = display rotated 90° clockwise.
        using var img = TestImages.FromRows("RKK", "KKK");
        img.Metadata.ExifProfile = new ExifProfile();
        img.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6);
        var ms = new MemoryStream();
        img.SaveAsPng(ms);
        using var loaded = ImageInput.Load(ms.ToArray());
        Assert.Equal((2, 3), (loaded.Width, loaded.Height));
        Assert.Equal(TestImages.Color('R'), loaded[1, 0]); // top-right after the rotation
        Assert.Equal(TestImages.Color('K'), loaded[0, 0]);
    }

    [Fact]
    public void Transparency_IsFlattenedOntoWhiteWithPilRounding()
    {
        using var img = new Image<Rgba32>(3, 1);
        img[0, 0] = new Rgba32(255, 0, 0, 128);
        img[1, 0] = new Rgba32(0, 0, 0, 0);
        img[2, 0] = new Rgba32(10, 20, 30, 255);
        var ms = new MemoryStream();
        img.SaveAsPng(ms);
        using var loaded = ImageInput.Load(ms.ToArray());
        Assert.Equal(new Rgb24(255, 127, 127), loaded[0, 0]);
        Assert.Equal(new Rgb24(255, 255, 255), loaded[1, 0]);
        Assert.Equal(new Rgb24(10, 20, 30), loaded[2, 0]);
    }

    static byte[] Bmp(Image<Rgb24> img)
    {
        var ms = new MemoryStream();
        img.SaveAsBmp(ms);
        return ms.ToArray();
    }
}

public class ResizeModeTests
{
    static string Row(Image<Rgb24> img, int y) =>
        string.Concat(Enumerable.Range(0, img.Width).Select(x => Name(img[x, y])));

    static char Name(Rgb24 p) => (p.R, p.G, p.B) switch
    {
        (255, 0, 0) => 'R', (0, 255, 0) => 'G', (0, 0, 255) => 'B', (255, 255, 255) => 'W', (0, 0, 0) => 'K', _ => '?',
    };

    [Fact]
    public void CropAndResize_CentersAndCrops()
    {
        // 4x2 → 2x2: cover keeps the 4x2 size, pasted at x = -1, so columns 1..2 remain.
        using var src = TestImages.FromRows("GRBW", "GRBW");
        using var res = ImageInput.Resize(src, 2, 2, ResizeMode.CropAndResize);
        Assert.Equal("RB", Row(res, 0));
        Assert.Equal("RB", Row(res, 1));
    }

    [Fact]
    public void ResizeAndFill_Wide_FillsTopAndBottomFromEdgeRows()
    {
        // 4x2 → 4x4: fits as 4x2 at y = 1, bands above/below come from the nearest edge rows.
        using var src = TestImages.FromRows("RRRR", "BBBB");
        using var res = ImageInput.Resize(src, 4, 4, ResizeMode.ResizeAndFill);
        Assert.Equal(["RRRR", "RRRR", "BBBB", "BBBB"], Enumerable.Range(0, 4).Select(y => Row(res, y)).ToArray());
    }

    [Fact]
    public void ResizeAndFill_Tall_FillsLeftAndRightFromEdgeColumns()
    {
        using var src = TestImages.FromRows("RB", "RB", "RB", "RB");
        using var res = ImageInput.Resize(src, 4, 4, ResizeMode.ResizeAndFill);
        for (int y = 0; y < 4; y++) Assert.Equal("RRBB", Row(res, y));
    }

    [Fact]
    public void ResizeAndFill_OddBand_LeavesPilsUnfilledRowBlack()
    {
        // 4x2 → 4x5: fill = 5/2 - 2/2 = 1 above and below; the image sits at rows 1..2 and row 4 stays black (A1111 quirk).
        using var src = TestImages.FromRows("RRRR", "BBBB");
        using var res = ImageInput.Resize(src, 4, 5, ResizeMode.ResizeAndFill);
        Assert.Equal(["RRRR", "RRRR", "BBBB", "BBBB", "KKKK"], Enumerable.Range(0, 5).Select(y => Row(res, y)).ToArray());
    }

    [Fact]
    public void JustResize_StretchesWithPillowLanczos()
    {
        using var up = new Image<Rgb24>(2, 1);
        up[0, 0] = new Rgb24(0, 0, 0);
        up[1, 0] = new Rgb24(255, 255, 255);
        using var r = ImageInput.Resize(up, 4, 1, ResizeMode.JustResize);
        // Values from Pillow's algorithm evaluated independently (Lanczos-3, 22-bit fixed point).
        Assert.Equal(new byte[] { 0, 59, 196, 255 }, Enumerable.Range(0, 4).Select(x => r[x, 0].R).ToArray());

        using var down = new Image<Rgb24>(4, 1);
        byte[] v = [0, 100, 200, 250];
        for (int x = 0; x < 4; x++) down[x, 0] = new Rgb24(v[x], v[x], v[x]);
        using var d = ImageInput.Resize(down, 2, 1, ResizeMode.JustResize);
        Assert.Equal(new byte[] { 57, 223 }, new[] { d[0, 0].G, d[1, 0].G });
    }

    [Fact]
    public void JustResize_KeepsFlatColours()
    {
        using var src = new Image<Rgb24>(7, 5, new Rgb24(200, 13, 90));
        using var res = ImageInput.Resize(src, 16, 3, ResizeMode.JustResize);
        for (int y = 0; y < 3; y++)
        for (int x = 0; x < 16; x++)
            Assert.Equal(new Rgb24(200, 13, 90), res[x, y]);
    }

    [Fact]
    public void LatentUpscaleMode_LeavesTheImageAsIs()
    {
        using var src = TestImages.Gradient(10, 6);
        using var res = ImageInput.Resize(src, 64, 64, ResizeMode.LatentUpscale);
        Assert.Equal((10, 6), (res.Width, res.Height));
        Assert.Equal(src[4, 4], res[4, 4]);
    }
}
