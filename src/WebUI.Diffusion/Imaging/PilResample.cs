namespace WebUI.Diffusion.Imaging;

/// <summary>Pillow's resampling filters that the engine reproduces.</summary>
internal enum PilFilter
{
    /// <summary>Image.LANCZOS (support 3): init images, masks, hires "None"/"Lanczos" upscaling.</summary>
    Lanczos,
    /// <summary>Image.BICUBIC (support 2, a = −0.5): Pillow's default for Image.resize, used for A1111's latent mask.</summary>
    Bicubic,
}

/// <summary>
/// Pillow's <c>Image.resize(size, filter, box)</c> for 8-bit images of 1–4 interleaved channels (libImaging/Resample.c):
/// separable convolution, horizontal pass first into an 8-bit intermediate, coefficients in double normalized to
/// 22-bit fixed point. Reproducing it (instead of ImageSharp's resampler) keeps init pixels and masks identical to A1111's.
/// </summary>
internal static class PilResample
{
    const int PrecisionBits = 32 - 8 - 2;

    /// <summary>Resizes interleaved RGB <paramref name="src"/> (inW×inH) to outW×outH sampling the source box (x0,y0)-(x1,y1).</summary>
    public static byte[] Lanczos(byte[] src, int inW, int inH, int outW, int outH, float x0, float y0, float x1, float y1) =>
        Resize(src, 3, inW, inH, outW, outH, x0, y0, x1, y1, PilFilter.Lanczos);

    /// <summary>Whole-image resize of <paramref name="channels"/>-channel pixels with <paramref name="filter"/>.</summary>
    public static byte[] Resize(byte[] src, int channels, int inW, int inH, int outW, int outH, PilFilter filter) =>
        outW == inW && outH == inH ? (byte[])src.Clone() : Resize(src, channels, inW, inH, outW, outH, 0, 0, inW, inH, filter);

    public static byte[] Resize(byte[] src, int channels, int inW, int inH, int outW, int outH,
        float x0, float y0, float x1, float y1, PilFilter filter)
    {
        if (outW <= 0 || outH <= 0) throw new ArgumentException($"Cannot resize to {outW}x{outH}.");
        if (channels is < 1 or > 4) throw new ArgumentOutOfRangeException(nameof(channels));
        bool needH = outW != inW || x0 != 0 || x1 != outW;
        bool needV = outH != inH || y0 != 0 || y1 != outH;
        var (kH, boundsH, ksH) = Coefficients(inW, x0, x1, outW, filter);
        var (kV, boundsV, ksV) = Coefficients(inH, y0, y1, outH, filter);

        byte[] current = src;
        int curW = inW;
        if (needH)
        {
            int yFirst = boundsV[0];
            int yLast = boundsV[outH * 2 - 2] + boundsV[outH * 2 - 1];
            for (int i = 0; i < outH; i++) boundsV[i * 2] -= yFirst;
            int tmpH = yLast - yFirst;
            var tmp = new byte[outW * tmpH * channels];
            Horizontal(tmp, outW, tmpH, src, inW, yFirst, channels, kH, boundsH, ksH);
            current = tmp;
            curW = outW;
        }
        if (needV)
        {
            var output = new byte[curW * outH * channels];
            Vertical(output, curW, outH, current, channels, kV, boundsV, ksV);
            return output;
        }
        return current == src ? (byte[])src.Clone() : current;
    }

    static double Support(PilFilter f) => f == PilFilter.Lanczos ? 3.0 : 2.0;

    static double Filter(PilFilter f, double x)
    {
        if (f == PilFilter.Lanczos) return -3.0 <= x && x < 3.0 ? Sinc(x) * Sinc(x / 3) : 0.0;
        const double a = -0.5;
        if (x < 0.0) x = -x;
        if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
        return 0.0;
    }

    static double Sinc(double x)
    {
        if (x == 0.0) return 1.0;
        x *= Math.PI;
        return Math.Sin(x) / x;
    }

    static (int[] Kernel, int[] Bounds, int KSize) Coefficients(int inSize, float in0, float in1, int outSize, PilFilter filter)
    {
        double scale = (double)(in1 - in0) / outSize;
        double filterScale = scale < 1.0 ? 1.0 : scale;
        double support = Support(filter) * filterScale;
        int ksize = (int)Math.Ceiling(support) * 2 + 1;
        var kk = new double[outSize * ksize];
        var bounds = new int[outSize * 2];
        for (int xx = 0; xx < outSize; xx++)
        {
            double center = in0 + (xx + 0.5) * scale;
            double ww = 0.0;
            double ss = 1.0 / filterScale;
            int xmin = (int)(center - support + 0.5);
            if (xmin < 0) xmin = 0;
            int xmax = (int)(center + support + 0.5);
            if (xmax > inSize) xmax = inSize;
            xmax -= xmin;
            if (xmax > ksize) xmax = ksize;
            if (xmax < 0) xmax = 0;
            int k = xx * ksize;
            for (int x = 0; x < xmax; x++)
            {
                double w = Filter(filter, (x + xmin - center + 0.5) * ss);
                kk[k + x] = w;
                ww += w;
            }
            for (int x = 0; x < xmax; x++)
                if (ww != 0.0) kk[k + x] /= ww;
            bounds[xx * 2] = xmin;
            bounds[xx * 2 + 1] = xmax;
        }
        var fixedKk = new int[kk.Length];
        for (int i = 0; i < kk.Length; i++)
            fixedKk[i] = kk[i] < 0 ? (int)(-0.5 + kk[i] * (1 << PrecisionBits)) : (int)(0.5 + kk[i] * (1 << PrecisionBits));
        return (fixedKk, bounds, ksize);
    }

    static byte Clip8(int v)
    {
        v >>= PrecisionBits;
        return v < 0 ? (byte)0 : v > 255 ? (byte)255 : (byte)v;
    }

    static void Horizontal(byte[] dst, int outW, int outH, byte[] src, int inW, int yOffset, int channels, int[] kk, int[] bounds, int ksize)
    {
        Span<int> sums = stackalloc int[4];
        for (int yy = 0; yy < outH; yy++)
        {
            int srcRow = (yy + yOffset) * inW * channels;
            int dstRow = yy * outW * channels;
            for (int xx = 0; xx < outW; xx++)
            {
                int xmin = bounds[xx * 2], xmax = bounds[xx * 2 + 1], k = xx * ksize;
                sums.Fill(1 << (PrecisionBits - 1));
                for (int x = 0; x < xmax; x++)
                {
                    int p = srcRow + (x + xmin) * channels;
                    int w = kk[k + x];
                    for (int c = 0; c < channels; c++) sums[c] += src[p + c] * w;
                }
                int d = dstRow + xx * channels;
                for (int c = 0; c < channels; c++) dst[d + c] = Clip8(sums[c]);
            }
        }
    }

    static void Vertical(byte[] dst, int width, int outH, byte[] src, int channels, int[] kk, int[] bounds, int ksize)
    {
        int stride = width * channels;
        Span<int> sums = stackalloc int[4];
        for (int yy = 0; yy < outH; yy++)
        {
            int ymin = bounds[yy * 2], ymax = bounds[yy * 2 + 1], k = yy * ksize;
            int dstRow = yy * stride;
            for (int xx = 0; xx < width; xx++)
            {
                sums.Fill(1 << (PrecisionBits - 1));
                for (int y = 0; y < ymax; y++)
                {
                    int p = (y + ymin) * stride + xx * channels;
                    int w = kk[k + y];
                    for (int c = 0; c < channels; c++) sums[c] += src[p + c] * w;
                }
                int d = dstRow + xx * channels;
                for (int c = 0; c < channels; c++) dst[d + c] = Clip8(sums[c]);
            }
        }
    }

    /// <summary>
    /// Pillow's NEAREST resize (affine sampling at pixel centres: source = ⌊(x + ½)·in/out⌋), used by the hires
    /// "Nearest" upscaler.
    /// </summary>
    public static byte[] Nearest(byte[] src, int channels, int inW, int inH, int outW, int outH)
    {
        var dst = new byte[outW * outH * channels];
        double sx = (double)inW / outW, sy = (double)inH / outH;
        var xs = new int[outW];
        for (int x = 0; x < outW; x++) xs[x] = Math.Min(inW - 1, (int)Math.Floor((x + 0.5) * sx));
        for (int y = 0; y < outH; y++)
        {
            int yy = Math.Min(inH - 1, (int)Math.Floor((y + 0.5) * sy));
            for (int x = 0; x < outW; x++)
                Buffer.BlockCopy(src, (yy * inW + xs[x]) * channels, dst, (y * outW + x) * channels, channels);
        }
        return dst;
    }
}
