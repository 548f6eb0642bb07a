using WebUI.Diffusion.Imaging;

namespace WebUI.Diffusion.Pipelines;

/// <summary>
/// A1111's apply_overlay (opts.overlay_inpaint): the user's image with the masked area made transparent is
/// alpha-composited over the decoded result, so unmasked pixels stay exactly the original. For "Only masked" the
/// W×H result is first resized (crop-and-resize) to the crop box and pasted into a transparent canvas of the original
/// size (uncrop). Works in Pillow's 8-bit arithmetic.
/// </summary>
internal sealed class InpaintOverlay(byte[] overlayRgba, int width, int height, (int X, int Y, int W, int H)? pasteTo)
{
    /// <summary>Size of the finished picture (the init image's size for "Only masked", else W×H).</summary>
    public int Width => width;
    public int Height => height;

    /// <summary>Decoded RGB CHW (≈[−1, 1], <paramref name="w"/>×<paramref name="h"/>) → the composited picture as CHW floats
    /// whose 8-bit conversion (<see cref="LatentImage.ToByte"/>) is exactly the composited pixels.</summary>
    public float[] Apply(ReadOnlySpan<float> rgbChw, int w, int h)
    {
        var pixels = ToInterleaved(rgbChw, w, h);
        var canvas = new byte[width * height * 4];
        if (pasteTo is { } p)
        {
            var fitted = ImageInput.ResizePixels(pixels, 3, w, h, p.W, p.H, ResizeMode.CropAndResize);
            for (int y = 0; y < p.H; y++)
                for (int x = 0; x < p.W; x++)
                {
                    int cx = p.X + x, cy = p.Y + y;
                    if (cx < 0 || cy < 0 || cx >= width || cy >= height) continue;
                    int s = (y * p.W + x) * 3, d = (cy * width + cx) * 4;
                    canvas[d] = fitted[s]; canvas[d + 1] = fitted[s + 1]; canvas[d + 2] = fitted[s + 2]; canvas[d + 3] = 255;
                }
        }
        else
        {
            if (w != width || h != height) throw new InvalidOperationException("The result and the overlay differ in size.");
            for (int i = 0; i < w * h; i++)
            {
                canvas[4 * i] = pixels[3 * i]; canvas[4 * i + 1] = pixels[3 * i + 1]; canvas[4 * i + 2] = pixels[3 * i + 2]; canvas[4 * i + 3] = 255;
            }
        }
        PilCompositing.AlphaComposite(canvas, overlayRgba);
        int plane = width * height;
        var result = new float[3 * plane];
        for (int i = 0; i < plane; i++)
            for (int c = 0; c < 3; c++) result[c * plane + i] = ToFloat(canvas[4 * i + c]);
        return result;
    }

    /// <summary>The decoder-space value whose truncating 8-bit conversion is <paramref name="b"/> (the pixel centre).</summary>
    internal static float ToFloat(byte b) => (b + 0.5f) / 127.5f - 1f;

    internal static byte[] ToInterleaved(ReadOnlySpan<float> chw, int w, int h)
    {
        int plane = w * h;
        var rgb = new byte[3 * plane];
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < plane; i++) rgb[3 * i + c] = LatentImage.ToByte(chw[c * plane + i]);
        return rgb;
    }

    internal static float[] ToChw(ReadOnlySpan<byte> rgb, int w, int h)
    {
        int plane = w * h;
        var chw = new float[3 * plane];
        for (int i = 0; i < plane; i++)
            for (int c = 0; c < 3; c++) chw[c * plane + i] = rgb[3 * i + c] / 255f * 2f - 1f;
        return chw;
    }
}
