using SixLabors.ImageSharp.PixelFormats;
using WebUI.Diffusion.Imaging;

namespace WebUI.Diffusion.Tests.Imaging;

public class LatentImageTests
{
    [Fact]
    public void ImageToTensorToImage_LosesAtMostOneLevel_FromA1111Truncation()
    {
        using var img = TestImages.Gradient(16, 8);
        float[] t = LatentImage.ToTensor(img);
        Assert.Equal(3 * 16 * 8, t.Length);
        Assert.Equal(-1f, t[0]); // R plane, pixel (0,0) = 0
        Assert.Equal(1f, t[15]); // R of (15,0) = 255
        using var back = LatentImage.ToImage(t, 16, 8);
        // float32 (p/255·2−1+1)/2·255 lands just below some integers and A1111 truncates (17 → 16.999998 → 16).
        int exact = 0;
        for (int y = 0; y < 8; y++)
        for (int x = 0; x < 16; x++)
        {
            var (a, b) = (img[x, y], back[x, y]);
            foreach (var (p, q) in new[] { (a.R, b.R), (a.G, b.G), (a.B, b.B) })
            {
                Assert.InRange(p - q, 0, 1);
                if (p == q) exact++;
            }
        }
        Assert.InRange(exact, 3 * 128 / 2, 3 * 128); // most levels survive
        Assert.Equal(new Rgb24(16, 0, 6), back[1, 0]); // the documented drop: 17 → 16, 7 → 6
    }

    [Fact]
    public void ToImage_TruncatesAndClampsLikeA1111()
    {
        // (x + 1) / 2 * 255 truncated: 0.0 → 127 (127.5), 0.999 → 254, beyond ±1 clamps, NaN → 0.
        float[] t = [0f, 0.999f, 2f, -3f, float.NaN, 1f, /*G*/ 0, 0, 0, 0, 0, 0, /*B*/ 0, 0, 0, 0, 0, 0];
        using var img = LatentImage.ToImage(t, 6, 1);
        Assert.Equal(new byte[] { 127, 254, 255, 0, 0, 255 }, Enumerable.Range(0, 6).Select(x => img[x, 0].R).ToArray());
        Assert.Throws<ArgumentException>(() => LatentImage.ToImage(t, 5, 1));
    }

    [Fact]
    public void ResizeBilinear_MatchesTorchHalfPixelRule()
    {
        // 1x1x2 [0, 1] → width 4: sources -0.25→0 (clamped), 0.25, 0.75, 1.25→ edge.
        float[] r = LatentImage.ResizeBilinear([0f, 1f], 1, 1, 2, 1, 4);
        Assert.Equal(new[] { 0f, 0.25f, 0.75f, 1f }, r);
        // Same size is the identity; 2x downscale of a 2x2 block averages it.
        float[] id = LatentImage.ResizeBilinear([1f, 2f, 3f, 4f], 1, 2, 2, 2, 2);
        Assert.Equal(new[] { 1f, 2f, 3f, 4f }, id);
        Assert.Equal(new[] { 2.5f }, LatentImage.ResizeBilinear([1f, 2f, 3f, 4f], 1, 2, 2, 1, 1));
    }

    [Fact]
    public void CheapPreview_Sd1Matrix()
    {
        // One latent pixel with channels (1, 0, 0, 0.5): rgb = row0 + 0.5·row3 = (0.206, 0.0715, -0.0285).
        float[] latent = [1f, 0f, 0f, 0.5f];
        var rgb = new byte[3];
        LatentPreview.ToRgb(latent, 1, 1, LatentPreview.Sd1Factors, rgb);
        Assert.Equal(new byte[] { (byte)(255 * ((0.206f + 1) / 2)), (byte)(255 * ((0.0715f + 1) / 2)), (byte)(255 * ((-0.0285f + 1) / 2)) }, rgb);
        Assert.Equal(new byte[] { 153, 136, 123 }, rgb);
    }

    [Fact]
    public void CheapPreview_SdxlMatrixWithBias_AndScaledImage()
    {
        var m = LatentPreview.SdxlFactors;
        Assert.Equal(0.4395f, m[0, 2]);
        Assert.Equal(-0.3730f, m[3, 0]);
        // 2x1 latent (CHW), zero latent + bias (1, -1, 0) → (255, 0, 127)
        float[] latent = new float[4 * 2];
        using var img = LatentPreview.ToImage(latent, 1, 2, m, [1f, -1f, 0f], scale: 8);
        Assert.Equal((16, 8), (img.Width, img.Height));
        Assert.Equal(new Rgb24(255, 0, 127), img[15, 7]);
    }

    [Fact]
    public void CheapPreview_RejectsMismatchedShapes()
    {
        var rgb = new byte[12];
        Assert.Throws<ArgumentException>(() => LatentPreview.ToRgb(new float[4 * 3], 2, 2, LatentPreview.Sd1Factors, rgb));
        Assert.Throws<ArgumentException>(() => LatentPreview.ToRgb(new float[4 * 4], 2, 2, new float[4, 2], rgb));
    }
}
