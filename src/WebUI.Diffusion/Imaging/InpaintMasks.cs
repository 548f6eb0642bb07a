namespace WebUI.Diffusion.Imaging;

/// <summary>
/// The mask arithmetic of A1111's img2img inpainting (processing.py StableDiffusionProcessingImg2Img.init,
/// masking.py, a1111-reference §8.3): blur, "Only masked" crop region, overlay mask and the latent-size masks.
/// </summary>
internal static class InpaintMasks
{
    /// <summary>UI limit of the mask blur slider is 64; the API accepts more, this bounds the kernel.</summary>
    public const int MaxBlur = 256;

    /// <summary>
    /// cv2.GaussianBlur(mask, (k, 1), blurX) then cv2.GaussianBlur(mask, (1, k), blurY) with k = 2·⌊2.5·blur + 0.5⌋ + 1,
    /// borders reflected (BORDER_REFLECT_101), each pass rounded back to 8 bits. A blur of 0 skips that axis.
    /// </summary>
    public static GrayImage Blur(GrayImage mask, int blurX, int blurY)
    {
        var pixels = mask.Pixels;
        if (blurX > 0) pixels = Convolve(pixels, mask.Width, mask.Height, Kernel(blurX), horizontal: true);
        if (blurY > 0) pixels = Convolve(pixels, mask.Width, mask.Height, Kernel(blurY), horizontal: false);
        return mask with { Pixels = pixels };
    }

    /// <summary>cv2.getGaussianKernel(k, sigma) for A1111's kernel size of a blur radius (computed in double, normalized).</summary>
    internal static double[] Kernel(int blur)
    {
        int n = 2 * (int)(2.5 * blur + 0.5) + 1;
        double sigma = blur, scale2 = -0.5 / (sigma * sigma), sum = 0;
        var k = new double[n];
        for (int i = 0; i < n; i++)
        {
            double x = i - (n - 1) * 0.5;
            k[i] = Math.Exp(scale2 * x * x);
            sum += k[i];
        }
        for (int i = 0; i < n; i++) k[i] /= sum;
        return k;
    }

    static byte[] Convolve(byte[] src, int w, int h, double[] kernel, bool horizontal)
    {
        var dst = new byte[src.Length];
        int radius = kernel.Length / 2, length = horizontal ? w : h, lines = horizontal ? h : w;
        var index = new int[length + 2 * radius];
        for (int i = 0; i < index.Length; i++) index[i] = Reflect101(i - radius, length);
        for (int line = 0; line < lines; line++)
        {
            for (int i = 0; i < length; i++)
            {
                double acc = 0;
                for (int k = 0; k < kernel.Length; k++)
                {
                    int j = index[i + k];
                    acc += kernel[k] * src[horizontal ? line * w + j : j * w + line];
                }
                byte v = (byte)Math.Clamp((int)(acc + 0.5), 0, 255);
                dst[horizontal ? line * w + i : i * w + line] = v;
            }
        }
        return dst;
    }

    // OpenCV's default border: gfedcb|abcdefgh|gfedcba (the edge pixel is not repeated).
    static int Reflect101(int i, int n)
    {
        if (n == 1) return 0;
        while (i < 0 || i >= n) i = i < 0 ? -i : 2 * n - 2 - i;
        return i;
    }

    /// <summary>
    /// "Only masked": masking.get_crop_region_v2 (bounding box of the mask's non-zero pixels grown by
    /// <paramref name="padding"/>, clamped to the image) then masking.expand_crop_region (grown to the processing
    /// aspect ratio W/H, shifted back inside the image). Null for a blank mask.
    /// </summary>
    public static (int X1, int Y1, int X2, int Y2)? CropRegion(GrayImage mask, int padding, int processingWidth, int processingHeight)
    {
        if (mask.BoundingBox() is not { } box) return null;
        var (x1, y1, x2, y2) = box;
        if (padding != 0)
        {
            x1 = Math.Max(x1 - padding, 0);
            y1 = Math.Max(y1 - padding, 0);
            x2 = Math.Min(x2 + padding, mask.Width);
            y2 = Math.Min(y2 + padding, mask.Height);
        }
        return Expand(x1, y1, x2, y2, processingWidth, processingHeight, mask.Width, mask.Height);
    }

    static (int, int, int, int) Expand(int x1, int y1, int x2, int y2, int pw, int ph, int imageWidth, int imageHeight)
    {
        double ratioCrop = (double)(x2 - x1) / (y2 - y1), ratioProcessing = (double)pw / ph;
        if (ratioCrop > ratioProcessing)
        {
            double desired = (x2 - x1) / ratioProcessing;
            int diff = (int)(desired - (y2 - y1));
            y1 -= FloorHalf(diff);
            y2 += diff - FloorHalf(diff);
            if (y2 >= imageHeight) { int d = y2 - imageHeight; y2 -= d; y1 -= d; }
            if (y1 < 0) { y2 -= y1; y1 = 0; }
            if (y2 >= imageHeight) y2 = imageHeight;
        }
        else
        {
            double desired = (y2 - y1) * ratioProcessing;
            int diff = (int)(desired - (x2 - x1));
            x1 -= FloorHalf(diff);
            x2 += diff - FloorHalf(diff);
            if (x2 >= imageWidth) { int d = x2 - imageWidth; x2 -= d; x1 -= d; }
            if (x1 < 0) { x2 -= x1; x1 = 0; }
            if (x2 >= imageWidth) x2 = imageWidth;
        }
        return (x1, y1, x2, y2);
    }

    static int FloorHalf(int v) => (int)Math.Floor(v / 2.0); // Python's v // 2

    /// <summary>"Whole picture" overlay mask: clip(mask·2, 0, 255), so the repainted area reaches a little past a soft edge.</summary>
    public static GrayImage Doubled(GrayImage mask)
    {
        var p = new byte[mask.Pixels.Length];
        for (int i = 0; i < p.Length; i++) p[i] = (byte)Math.Min(255, mask.Pixels[i] * 2);
        return mask with { Pixels = p };
    }

    /// <summary>
    /// The sampling mask at latent size: the mask resized with Pillow's default (bicubic) filter, /255, rounded half
    /// to even when <paramref name="round"/> (np.around). 1 = repaint (A1111's nmask); one plane, shared by all channels.
    /// </summary>
    public static float[] LatentMask(GrayImage mask, int latentWidth, int latentHeight, bool round)
    {
        var small = PilResample.Resize(mask.Pixels, 1, mask.Width, mask.Height, latentWidth, latentHeight, PilFilter.Bicubic);
        var m = new float[small.Length];
        for (int i = 0; i < m.Length; i++)
        {
            float v = small[i] / 255f;
            m[i] = round ? MathF.Round(v, MidpointRounding.ToEven) : v;
        }
        return m;
    }

    /// <summary>
    /// The 9-channel UNet's mask channel (inpainting_image_conditioning): mask/255, rounded when <paramref name="round"/>,
    /// then torch's nearest interpolation to latent size (source pixel ⌊i·H/h⌋).
    /// </summary>
    public static float[] ConditioningMask(GrayImage mask, int latentWidth, int latentHeight, bool round)
    {
        var m = new float[latentWidth * latentHeight];
        float sy = (float)mask.Height / latentHeight, sx = (float)mask.Width / latentWidth;
        for (int y = 0; y < latentHeight; y++)
        {
            int yy = Math.Min(mask.Height - 1, (int)MathF.Floor(y * sy));
            for (int x = 0; x < latentWidth; x++)
            {
                int xx = Math.Min(mask.Width - 1, (int)MathF.Floor(x * sx));
                float v = mask.Pixels[yy * mask.Width + xx] / 255f;
                m[y * latentWidth + x] = round ? MathF.Round(v, MidpointRounding.ToEven) : v;
            }
        }
        return m;
    }
}
