using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace WebUI.Diffusion.Imaging;

/// <summary>
/// Pixels ↔ VAE tensors, with A1111's float32 arithmetic: decode output x ∈ [-1, 1] becomes
/// <c>uint8(255 · clamp((x + 1) / 2, 0, 1))</c> (truncating, unlike diffusers' rounding); encode input is
/// <c>(p / 255) · 2 − 1</c>. Tensors are CHW (one image, RGB planes).
/// </summary>
public static class LatentImage
{
    /// <summary>VAE decoder output (3×H×W, CHW) → image.</summary>
    public static Image<Rgb24> ToImage(ReadOnlySpan<float> chwMinus1To1, int width, int height)
    {
        CheckSize(width, height);
        int plane = width * height;
        if (chwMinus1To1.Length != 3 * plane)
            throw new ArgumentException($"Expected 3x{height}x{width} = {3 * plane} values, got {chwMinus1To1.Length}.", nameof(chwMinus1To1));
        var rgb = new byte[3 * plane];
        for (int c = 0; c < 3; c++)
        {
            var channel = chwMinus1To1.Slice(c * plane, plane);
            for (int i = 0; i < plane; i++) rgb[i * 3 + c] = ToByte(channel[i]);
        }
        return Image.LoadPixelData<Rgb24>(rgb, width, height);
    }

    /// <summary>The truncating float32 conversion of one sample (NaN becomes 0, as numpy's cast of a clamped NaN does on x86).</summary>
    internal static byte ToByte(float x)
    {
        float v = (x + 1.0f) / 2.0f;
        if (!(v > 0f)) return 0;   // also NaN
        if (v > 1f) v = 1f;
        return (byte)(255f * v);
    }

    /// <summary>Image → VAE encoder input (3×H×W, CHW) in [-1, 1].</summary>
    public static float[] ToTensor(Image<Rgb24> image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var tensor = new float[3 * image.Width * image.Height];
        ToTensor(image, tensor);
        return tensor;
    }

    /// <summary>Writes the encoder input into <paramref name="destination"/> (length 3·W·H), allocating nothing per pixel.</summary>
    public static void ToTensor(Image<Rgb24> image, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        int w = image.Width, h = image.Height, plane = w * h;
        if (destination.Length != 3 * plane)
            throw new ArgumentException($"Destination must hold 3x{h}x{w} = {3 * plane} values.", nameof(destination));
        var pixels = new Rgb24[plane];
        image.CopyPixelDataTo(pixels);
        for (int i = 0; i < plane; i++)
        {
            var p = pixels[i];
            destination[i] = p.R / 255f * 2f - 1f;
            destination[plane + i] = p.G / 255f * 2f - 1f;
            destination[2 * plane + i] = p.B / 255f * 2f - 1f;
        }
    }

    /// <summary>
    /// torch.nn.functional.interpolate(mode="bilinear", align_corners=False, antialias=False) of a C×H×W tensor:
    /// A1111's "Just resize (latent upscale)" img2img mode and the "Latent" hires upscaler.
    /// </summary>
    public static float[] ResizeBilinear(ReadOnlySpan<float> chw, int channels, int height, int width, int newHeight, int newWidth)
    {
        if (channels <= 0) throw new ArgumentOutOfRangeException(nameof(channels));
        CheckSize(width, height);
        CheckSize(newWidth, newHeight);
        if (chw.Length != channels * height * width)
            throw new ArgumentException($"Expected {channels}x{height}x{width} values, got {chw.Length}.", nameof(chw));
        var (y0, y1, ly) = Taps(height, newHeight);
        var (x0, x1, lx) = Taps(width, newWidth);
        var output = new float[channels * newHeight * newWidth];
        for (int c = 0; c < channels; c++)
        {
            var plane = chw.Slice(c * height * width, height * width);
            int o = c * newHeight * newWidth;
            for (int y = 0; y < newHeight; y++)
            {
                float h1 = ly[y], h0 = 1f - h1;
                int r0 = y0[y] * width, r1 = y1[y] * width;
                for (int x = 0; x < newWidth; x++)
                {
                    float w1 = lx[x], w0 = 1f - w1;
                    output[o++] = h0 * (w0 * plane[r0 + x0[x]] + w1 * plane[r0 + x1[x]])
                                + h1 * (w0 * plane[r1 + x0[x]] + w1 * plane[r1 + x1[x]]);
                }
            }
        }
        return output;
    }

    // PyTorch's area_pixel_compute_source_index with align_corners=False (half-pixel centres, clamped at 0).
    static (int[] I0, int[] I1, float[] Lambda) Taps(int inSize, int outSize)
    {
        float scale = (float)inSize / outSize;
        var i0 = new int[outSize];
        var i1 = new int[outSize];
        var lambda = new float[outSize];
        for (int o = 0; o < outSize; o++)
        {
            float src = scale * (o + 0.5f) - 0.5f;
            if (src < 0) src = 0;
            int a = (int)src;
            i0[o] = a;
            i1[o] = a < inSize - 1 ? a + 1 : a;
            lambda[o] = src - a;
        }
        return (i0, i1, lambda);
    }

    static void CheckSize(int width, int height)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"Size {width}x{height} must be positive.");
    }
}
