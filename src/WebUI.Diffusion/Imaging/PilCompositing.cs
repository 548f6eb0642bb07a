namespace WebUI.Diffusion.Imaging;

/// <summary>
/// Pillow's 8-bit RGBA arithmetic as A1111's inpainting uses it (libImaging Paste.c, Convert.c, AlphaComposite.c,
/// BoxBlur.c): premultiplied paste through a mask, un-premultiplying, alpha_composite, and the box-blur approximation
/// of GaussianBlur. Reproduced integer for integer so that unmasked pixels come out exactly as the user's image.
/// Pixel buffers are interleaved RGBA (4 bytes per pixel) unless named RGB.
/// </summary>
internal static class PilCompositing
{
    static int MulDiv255(int a, int b)
    {
        int t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }

    static byte Clip8(int v) => v <= 0 ? (byte)0 : v >= 255 ? (byte)255 : (byte)v;

    /// <summary>
    /// The overlay A1111 builds: Image.new('RGBa').paste(image.convert('RGBa'), mask=invert(mask)), then
    /// convert('RGBA'). Alpha = 255 − mask; colours survive the premultiply round trip (exactly where alpha is 255).
    /// </summary>
    public static byte[] MaskedOverlay(ReadOnlySpan<byte> rgb, GrayImage mask)
    {
        int n = mask.Width * mask.Height;
        if (rgb.Length != 3 * n) throw new ArgumentException("Image and mask sizes differ.");
        var rgba = new byte[4 * n];
        for (int i = 0; i < n; i++)
        {
            int keep = 255 - mask.Pixels[i];
            int a = MulDiv255(255, keep);
            for (int c = 0; c < 3; c++)
            {
                int premultiplied = MulDiv255(rgb[3 * i + c], keep);
                rgba[4 * i + c] = a is 255 or 0 ? (byte)premultiplied : Clip8(255 * premultiplied / a);
            }
            rgba[4 * i + 3] = (byte)a;
        }
        return rgba;
    }

    /// <summary>Image.alpha_composite(dst, src) in place on <paramref name="dst"/> (both RGBA, same size).</summary>
    public static void AlphaComposite(Span<byte> dst, ReadOnlySpan<byte> src)
    {
        const int Precision = 7;
        for (int i = 0; i < dst.Length; i += 4)
        {
            int sa = src[i + 3], da = dst[i + 3];
            if (sa == 0) continue; // Pillow copies dst unchanged
            uint blend = (uint)(da * (255 - sa));
            uint outa255 = (uint)(sa * 255) + blend;
            uint coef1 = (uint)(sa * 255 * 255 * (1 << Precision)) / outa255;
            uint coef2 = 255 * (1 << Precision) - coef1;
            for (int c = 0; c < 3; c++)
            {
                uint tmp = src[i + c] * coef1 + dst[i + c] * coef2 + (0x80 << Precision);
                dst[i + c] = (byte)((((tmp >> 8) + tmp) >> 8) >> Precision);
            }
            uint a = outa255 + 0x80;
            dst[i + 3] = (byte)(((a >> 8) + a) >> 8);
        }
    }

    /// <summary>
    /// masking.fill: the masked area pre-filled with colours spread in from the unmasked image — blurred copies of the
    /// masked-out image (radii 256, 64, 16, 4, 2, 0; repeats 1, 1, 2, 4, 2, 1) alpha-composited in turn. RGB in, RGB out.
    /// </summary>
    public static byte[] Fill(ReadOnlySpan<byte> rgb, GrayImage mask)
    {
        int w = mask.Width, h = mask.Height, n = w * h;
        // The masked-out image stays premultiplied (RGBa) for blurring: transparent pixels add no colour.
        var premultiplied = new byte[4 * n];
        for (int i = 0; i < n; i++)
        {
            int keep = 255 - mask.Pixels[i];
            for (int c = 0; c < 3; c++) premultiplied[4 * i + c] = (byte)MulDiv255(rgb[3 * i + c], keep);
            premultiplied[4 * i + 3] = (byte)MulDiv255(255, keep);
        }
        var result = new byte[4 * n];
        foreach (var (radius, repeats) in (ReadOnlySpan<(int, int)>)[(256, 1), (64, 1), (16, 2), (4, 4), (2, 2), (0, 1)])
        {
            var blurred = GaussianBlur(premultiplied, w, h, radius);
            Unpremultiply(blurred);
            for (int r = 0; r < repeats; r++) AlphaComposite(result, blurred);
        }
        var outRgb = new byte[3 * n];
        for (int i = 0; i < n; i++) { outRgb[3 * i] = result[4 * i]; outRgb[3 * i + 1] = result[4 * i + 1]; outRgb[3 * i + 2] = result[4 * i + 2]; }
        return outRgb;
    }

    static void Unpremultiply(byte[] rgba)
    {
        for (int i = 0; i < rgba.Length; i += 4)
        {
            int a = rgba[i + 3];
            if (a is 255 or 0) continue;
            for (int c = 0; c < 3; c++) rgba[i + c] = Clip8(255 * rgba[i + c] / a);
        }
    }

    /// <summary>ImageFilter.GaussianBlur(radius): three extended box blurs per axis (horizontal passes, then vertical).</summary>
    internal static byte[] GaussianBlur(byte[] rgba, int w, int h, double radius)
    {
        if (radius <= 0) return (byte[])rgba.Clone();
        const int Passes = 3;
        double box = BoxRadius(radius, Passes);
        var a = (byte[])rgba.Clone();
        var b = new byte[a.Length];
        for (int p = 0; p < Passes; p++) { BoxBlurLines(a, b, w, h, box, horizontal: true); (a, b) = (b, a); }
        for (int p = 0; p < Passes; p++) { BoxBlurLines(a, b, w, h, box, horizontal: false); (a, b) = (b, a); }
        return a;
    }

    // Pillow's _gaussian_blur_radius: the box radius (integer part + fractional edge weight) whose n-fold
    // convolution has the Gaussian's variance.
    static double BoxRadius(double radius, int passes)
    {
        double sigma2 = radius * radius / passes;
        double L = Math.Sqrt(12.0 * sigma2 + 1.0);
        double l = Math.Floor((L - 1.0) / 2.0);
        double a = (2 * l + 1) * (l * (l + 1) - 3 * sigma2);
        a /= 6 * (sigma2 - (l + 1) * (l + 1));
        return (float)(l + a);
    }

    // ImagingLineBoxBlur32: window [x−r, x+r] at full weight plus the two next pixels at the fractional weight,
    // edges extended, 24-bit fixed point.
    static void BoxBlurLines(byte[] src, byte[] dst, int w, int h, double floatRadius, bool horizontal)
    {
        int radius = (int)floatRadius;
        long ww = (long)((1 << 24) / (floatRadius * 2 + 1));
        long fw = ((1 << 24) - (radius * 2 + 1) * ww) / 2;
        int length = horizontal ? w : h, lines = horizontal ? h : w, last = length - 1;
        int step = horizontal ? 4 : 4 * w;
        Span<long> acc = stackalloc long[4];
        for (int line = 0; line < lines; line++)
        {
            int origin = horizontal ? line * w * 4 : line * 4;
            int At(int i, int c) => src[origin + Math.Clamp(i, 0, last) * step + c];
            for (int c = 0; c < 4; c++)
            {
                long s = 0;
                for (int k = -radius; k <= radius; k++) s += At(k, c);
                acc[c] = s;
            }
            for (int x = 0; x <= last; x++)
            {
                if (x > 0)
                    for (int c = 0; c < 4; c++) acc[c] += At(x + radius, c) - At(x - radius - 1, c);
                for (int c = 0; c < 4; c++)
                {
                    long bulk = acc[c] * ww + (At(x - radius - 1, c) + At(x + radius + 1, c)) * fw;
                    dst[origin + x * step + c] = (byte)((bulk + (1 << 23)) >> 24);
                }
            }
        }
    }
}
