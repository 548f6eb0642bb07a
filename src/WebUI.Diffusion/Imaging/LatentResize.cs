namespace WebUI.Diffusion.Imaging;

/// <summary>torch.nn.functional.interpolate modes the hires fix's latent upscalers use (shared.latent_upscale_modes).</summary>
public enum LatentResizeMode { Bilinear, BilinearAntialiased, Bicubic, BicubicAntialiased, Nearest, NearestExact }

/// <summary>
/// torch.nn.functional.interpolate on one C×H×W latent (align_corners = False), in float32 like PyTorch's CPU kernels:
/// bilinear and bicubic (A = −0.75, borders clamped) sample at half-pixel centres; the antialiased variants use the
/// separable filter of _upsample_*_aa (PIL-style support widened by the scale when shrinking, bicubic A = −0.5);
/// nearest takes ⌊i·in/out⌋, nearest-exact ⌊(i + ½)·in/out⌋.
/// </summary>
public static class LatentResize
{
    public static float[] Resize(ReadOnlySpan<float> chw, int channels, int height, int width, int newHeight, int newWidth, LatentResizeMode mode)
    {
        if (channels <= 0 || height <= 0 || width <= 0 || newHeight <= 0 || newWidth <= 0)
            throw new ArgumentOutOfRangeException(nameof(channels), "Sizes must be positive.");
        if (chw.Length != channels * height * width) throw new ArgumentException($"Expected {channels}x{height}x{width} values, got {chw.Length}.", nameof(chw));
        switch (mode)
        {
            case LatentResizeMode.Bilinear:
                return LatentImage.ResizeBilinear(chw, channels, height, width, newHeight, newWidth);
            case LatentResizeMode.Nearest:
            case LatentResizeMode.NearestExact:
            {
                var ys = NearestIndex(height, newHeight, mode == LatentResizeMode.NearestExact);
                var xs = NearestIndex(width, newWidth, mode == LatentResizeMode.NearestExact);
                var output = new float[channels * newHeight * newWidth];
                int o = 0;
                for (int c = 0; c < channels; c++)
                    for (int y = 0; y < newHeight; y++)
                    {
                        int row = (c * height + ys[y]) * width;
                        for (int x = 0; x < newWidth; x++) output[o++] = chw[row + xs[x]];
                    }
                return output;
            }
            default:
            {
                // Separable: width first, then height (PyTorch's separable AA kernels and the cubic one agree on order
                // up to float rounding).
                var (xi, xw, xn) = mode == LatentResizeMode.Bicubic ? CubicTaps(width, newWidth) : AntialiasTaps(width, newWidth, mode == LatentResizeMode.BicubicAntialiased);
                var (yi, yw, yn) = mode == LatentResizeMode.Bicubic ? CubicTaps(height, newHeight) : AntialiasTaps(height, newHeight, mode == LatentResizeMode.BicubicAntialiased);
                var tmp = new float[channels * height * newWidth];
                for (int c = 0; c < channels; c++)
                    for (int y = 0; y < height; y++)
                    {
                        int src = (c * height + y) * width, dst = (c * height + y) * newWidth;
                        for (int x = 0; x < newWidth; x++)
                        {
                            float s = 0;
                            for (int k = 0; k < xn; k++) s += xw[x * xn + k] * chw[src + xi[x * xn + k]];
                            tmp[dst + x] = s;
                        }
                    }
                var output = new float[channels * newHeight * newWidth];
                for (int c = 0; c < channels; c++)
                    for (int y = 0; y < newHeight; y++)
                    {
                        int dst = (c * newHeight + y) * newWidth;
                        for (int x = 0; x < newWidth; x++)
                        {
                            float s = 0;
                            for (int k = 0; k < yn; k++) s += yw[y * yn + k] * tmp[(c * height + yi[y * yn + k]) * newWidth + x];
                            output[dst + x] = s;
                        }
                    }
                return output;
            }
        }
    }

    static int[] NearestIndex(int inSize, int outSize, bool exact)
    {
        float scale = (float)inSize / outSize;
        var index = new int[outSize];
        for (int o = 0; o < outSize; o++)
            index[o] = Math.Min((int)MathF.Floor((exact ? o + 0.5f : o) * scale), inSize - 1);
        return index;
    }

    // upsample_bicubic2d, align_corners=False: 4 taps around ⌊src⌋ with A = −0.75, indices clamped to the edge.
    static (int[] Index, float[] Weight, int Taps) CubicTaps(int inSize, int outSize)
    {
        const float A = -0.75f;
        float scale = (float)inSize / outSize;
        var index = new int[outSize * 4];
        var weight = new float[outSize * 4];
        for (int o = 0; o < outSize; o++)
        {
            float src = scale * (o + 0.5f) - 0.5f;
            int f = (int)MathF.Floor(src);
            float t = src - f;
            float x1 = t + 1, x2 = t, x3 = 1 - t, x4 = 2 - t;
            weight[o * 4] = ((A * x1 - 5 * A) * x1 + 8 * A) * x1 - 4 * A;
            weight[o * 4 + 1] = ((A + 2) * x2 - (A + 3)) * x2 * x2 + 1;
            weight[o * 4 + 2] = ((A + 2) * x3 - (A + 3)) * x3 * x3 + 1;
            weight[o * 4 + 3] = ((A * x4 - 5 * A) * x4 + 8 * A) * x4 - 4 * A;
            for (int k = 0; k < 4; k++) index[o * 4 + k] = Math.Clamp(f - 1 + k, 0, inSize - 1);
        }
        return (index, weight, 4);
    }

    // _upsample_bilinear2d_aa / _upsample_bicubic2d_aa: PIL-style taps (support 1 or 2, times the scale when
    // shrinking), only in-bounds taps, weights normalised to sum 1.
    static (int[] Index, float[] Weight, int Taps) AntialiasTaps(int inSize, int outSize, bool cubic)
    {
        double scale = (double)inSize / outSize;
        double support = (cubic ? 2.0 : 1.0) * (scale >= 1.0 ? scale : 1.0);
        double invScale = scale >= 1.0 ? 1.0 / scale : 1.0;
        int taps = (int)Math.Ceiling(support) * 2 + 1;
        var index = new int[outSize * taps];
        var weight = new float[outSize * taps];
        for (int o = 0; o < outSize; o++)
        {
            double center = scale * (o + 0.5);
            int xmin = Math.Max((int)(center - support + 0.5), 0);
            int xsize = Math.Min((int)(center + support + 0.5), inSize) - xmin;
            double total = 0;
            var w = new double[taps];
            for (int j = 0; j < xsize && j < taps; j++)
            {
                double x = (j + xmin - center + 0.5) * invScale;
                w[j] = cubic ? Cubic(x) : Math.Max(0.0, 1.0 - Math.Abs(x));
                total += w[j];
            }
            for (int j = 0; j < taps; j++)
            {
                index[o * taps + j] = Math.Min(xmin + j, inSize - 1);
                weight[o * taps + j] = j < xsize && total != 0 ? (float)(w[j] / total) : 0f;
            }
        }
        return (index, weight, taps);
    }

    static double Cubic(double x)
    {
        const double a = -0.5;
        x = Math.Abs(x);
        if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
        return 0.0;
    }
}
