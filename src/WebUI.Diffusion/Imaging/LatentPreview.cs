using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace WebUI.Diffusion.Imaging;

/// <summary>
/// A1111's "Approx cheap" live preview: a per-pixel linear map from the (scaled, UNet-space) latent channels to RGB at
/// latent resolution, then <c>uint8(255 · clamp((v + 1) / 2, 0, 1))</c>. Matrices are channels×3 (rows = latent
/// channels, columns = R, G, B); an optional bias (3 values) supports models that ship one (the demo model).
/// </summary>
public static class LatentPreview
{
    /// <summary>A1111 sd_vae_approx.cheap_approximation for SD 1.x / 2.x (no bias).</summary>
    public static float[,] Sd1Factors => new float[,]
    {
        { 0.298f, 0.207f, 0.208f },
        { 0.187f, 0.286f, 0.173f },
        { -0.158f, 0.189f, 0.264f },
        { -0.184f, -0.271f, -0.473f },
    };

    /// <summary>A1111 sd_vae_approx.cheap_approximation for SDXL (no bias).</summary>
    public static float[,] SdxlFactors => new float[,]
    {
        { 0.3448f, 0.4168f, 0.4395f },
        { -0.1953f, -0.0290f, 0.0250f },
        { 0.1074f, 0.0886f, -0.0163f },
        { -0.3730f, -0.2499f, -0.2088f },
    };

    /// <summary>The "Approx cheap" matrix for a model family: SDXL's for "sdxl…" families, SD 1.x/2.x's otherwise.</summary>
    public static float[,] FactorsFor(string family) =>
        family is not null && family.StartsWith("sdxl", StringComparison.Ordinal) ? SdxlFactors : Sd1Factors;

    /// <summary>Latent (C×H×W) → interleaved RGB bytes (H×W×3) in <paramref name="rgbOut"/>; allocates nothing.</summary>
    public static void ToRgb(ReadOnlySpan<float> latentChw, int h, int w, float[,] matrix, Span<byte> rgbOut) =>
        ToRgb(latentChw, h, w, matrix, default, rgbOut);

    /// <summary>As <see cref="ToRgb(ReadOnlySpan{float}, int, int, float[,], Span{byte})"/> plus a per-colour bias (empty = none).</summary>
    public static void ToRgb(ReadOnlySpan<float> latentChw, int h, int w, float[,] matrix, ReadOnlySpan<float> bias, Span<byte> rgbOut)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int channels = matrix.GetLength(0), plane = h * w;
        if (h <= 0 || w <= 0) throw new ArgumentOutOfRangeException(nameof(h), $"Latent size {w}x{h} must be positive.");
        if (matrix.GetLength(1) != 3) throw new ArgumentException("The preview matrix must have 3 columns (R, G, B).", nameof(matrix));
        if (latentChw.Length != channels * plane)
            throw new ArgumentException($"Expected {channels}x{h}x{w} latent values for a {channels}-row matrix, got {latentChw.Length}.", nameof(latentChw));
        if (rgbOut.Length < plane * 3) throw new ArgumentException($"The output needs {plane * 3} bytes.", nameof(rgbOut));
        if (!bias.IsEmpty && bias.Length != 3) throw new ArgumentException("The bias must have 3 values.", nameof(bias));
        float b0 = bias.IsEmpty ? 0f : bias[0], b1 = bias.IsEmpty ? 0f : bias[1], b2 = bias.IsEmpty ? 0f : bias[2];

        for (int i = 0; i < plane; i++)
        {
            float r = 0f, g = 0f, b = 0f;
            for (int c = 0; c < channels; c++)
            {
                float x = latentChw[c * plane + i];
                r += x * matrix[c, 0];
                g += x * matrix[c, 1];
                b += x * matrix[c, 2];
            }
            rgbOut[i * 3] = LatentImage.ToByte(r + b0);
            rgbOut[i * 3 + 1] = LatentImage.ToByte(g + b1);
            rgbOut[i * 3 + 2] = LatentImage.ToByte(b + b2);
        }
    }

    /// <summary>The preview as an image, each latent pixel repeated <paramref name="scale"/>× (8 = image size).</summary>
    public static Image<Rgb24> ToImage(ReadOnlySpan<float> latentChw, int h, int w, float[,] matrix, ReadOnlySpan<float> bias = default, int scale = 1)
    {
        if (scale < 1) throw new ArgumentOutOfRangeException(nameof(scale), "Scale must be at least 1.");
        var rgb = new byte[h * w * 3];
        ToRgb(latentChw, h, w, matrix, bias, rgb);
        if (scale == 1) return Image.LoadPixelData<Rgb24>(rgb, w, h);
        int W = w * scale, H = h * scale;
        var big = new byte[W * H * 3];
        for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
        {
            int s = ((y / scale) * w + x / scale) * 3, d = (y * W + x) * 3;
            big[d] = rgb[s]; big[d + 1] = rgb[s + 1]; big[d + 2] = rgb[s + 2];
        }
        return Image.LoadPixelData<Rgb24>(big, W, H);
    }
}
