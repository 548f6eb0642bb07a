using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace WebUI.Diffusion.Tests.Inpainting;

/// <summary>PNG inputs for the inpainting and hires tests, and reading results back.</summary>
internal static class TestPictures
{
    public static byte[] Png(int w, int h, Func<int, int, Rgb24> pixel)
    {
        using var img = new Image<Rgb24>(w, h);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img[x, y] = pixel(x, y);
        using var ms = new MemoryStream();
        img.SaveAsPng(ms);
        return ms.ToArray();
    }

    /// <summary>A smooth colourful picture (no flat areas, so a changed pixel shows).</summary>
    public static byte[] Gradient(int w, int h) => Png(w, h, (x, y) => new Rgb24((byte)(x * 255 / (w - 1)), (byte)(y * 255 / (h - 1)), (byte)((x * 3 + y * 5) % 256)));

    public static byte[] Uniform(int w, int h, Rgb24 c) => Png(w, h, (_, _) => c);

    /// <summary>White inside the rectangle [x0, x1) × [y0, y1), black elsewhere.</summary>
    public static byte[] RectMask(int w, int h, int x0, int y0, int x1, int y1, byte inside = 255) =>
        Png(w, h, (x, y) => x >= x0 && x < x1 && y >= y0 && y < y1 ? new Rgb24(inside, inside, inside) : new Rgb24(0, 0, 0));

    public static Rgb24[] Pixels(byte[] png, out int width, out int height)
    {
        using var image = Image.Load<Rgb24>(png);
        (width, height) = (image.Width, image.Height);
        var pixels = new Rgb24[width * height];
        image.CopyPixelDataTo(pixels);
        return pixels;
    }

    public static Rgb24[] Pixels(byte[] png) => Pixels(png, out _, out _);

    public static int MaxDifference(Rgb24 a, Rgb24 b) => Math.Max(Math.Abs(a.R - b.R), Math.Max(Math.Abs(a.G - b.G), Math.Abs(a.B - b.B)));
}
