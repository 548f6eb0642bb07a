namespace WebUI.Diffusion.Imaging;

/// <summary>
/// Pillow's <c>Image.resize(size, LANCZOS, box)</c> for 8-bit RGB (libImaging/Resample.c): separable convolution,
/// horizontal pass first into an 8-bit intermediate, coefficients in double normalized to 22-bit fixed point.
/// Reproducing it (instead of ImageSharp's resampler) keeps img2img init pixels identical to A1111's.
/// </summary>
internal static class PilResample
{
    const int PrecisionBits = 32 - 8 - 2;
    const double LanczosSupport = 3.0;

    /// <summary>Resizes interleaved RGB <paramref name="src"/> (inW×inH) to outW×outH sampling the source box (x0,y0)-(x1,y1).</summary>
    public static byte[] Lanczos(byte[] src, int inW, int inH, int outW, int outH, float x0, float y0, float x1, float y1)
    {
        if (outW <= 0 || outH <= 0) throw new ArgumentException($"Cannot resize to {outW}x{outH}.");
        bool needH = outW != inW || x0 != 0 || x1 != outW;
        bool needV = outH != inH || y0 != 0 || y1 != outH;
        var (kH, boundsH, ksH) = Coefficients(inW, x0, x1, outW);
        var (kV, boundsV, ksV) = Coefficients(inH, y0, y1, outH);

        byte[] current = src;
        int curW = inW;
        if (needH)
        {
            int yFirst = boundsV[0];
            int yLast = boundsV[outH * 2 - 2] + boundsV[outH * 2 - 1];
            for (int i = 0; i < outH; i++) boundsV[i * 2] -= yFirst;
            int tmpH = yLast - yFirst;
            var tmp = new byte[outW * tmpH * 3];
            Horizontal(tmp, outW, tmpH, src, inW, yFirst, kH, boundsH, ksH);
            current = tmp;
            curW = outW;
        }
        if (needV)
        {
            var output = new byte[curW * outH * 3];
            Vertical(output, curW, outH, current, kV, boundsV, ksV);
            return output;
        }
        return current == src ? (byte[])src.Clone() : current;
    }

    static double Filter(double x)
    {
        if (-3.0 <= x && x < 3.0) return Sinc(x) * Sinc(x / 3);
        return 0.0;
    }

    static double Sinc(double x)
    {
        if (x == 0.0) return 1.0;
        x *= Math.PI;
        return Math.Sin(x) / x;
    }

    static (int[] Kernel, int[] Bounds, int KSize) Coefficients(int inSize, float in0, float in1, int outSize)
    {
        double scale = (double)(in1 - in0) / outSize;
        double filterScale = scale < 1.0 ? 1.0 : scale;
        double support = LanczosSupport * filterScale;
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
                double w = Filter((x + xmin - center + 0.5) * ss);
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

    static void Horizontal(byte[] dst, int outW, int outH, byte[] src, int inW, int yOffset, int[] kk, int[] bounds, int ksize)
    {
        for (int yy = 0; yy < outH; yy++)
        {
            int srcRow = (yy + yOffset) * inW * 3;
            int dstRow = yy * outW * 3;
            for (int xx = 0; xx < outW; xx++)
            {
                int xmin = bounds[xx * 2], xmax = bounds[xx * 2 + 1], k = xx * ksize;
                int s0 = 1 << (PrecisionBits - 1), s1 = s0, s2 = s0;
                for (int x = 0; x < xmax; x++)
                {
                    int p = srcRow + (x + xmin) * 3;
                    int w = kk[k + x];
                    s0 += src[p] * w;
                    s1 += src[p + 1] * w;
                    s2 += src[p + 2] * w;
                }
                int d = dstRow + xx * 3;
                dst[d] = Clip8(s0);
                dst[d + 1] = Clip8(s1);
                dst[d + 2] = Clip8(s2);
            }
        }
    }

    static void Vertical(byte[] dst, int width, int outH, byte[] src, int[] kk, int[] bounds, int ksize)
    {
        int stride = width * 3;
        for (int yy = 0; yy < outH; yy++)
        {
            int ymin = bounds[yy * 2], ymax = bounds[yy * 2 + 1], k = yy * ksize;
            int dstRow = yy * stride;
            for (int xx = 0; xx < width; xx++)
            {
                int s0 = 1 << (PrecisionBits - 1), s1 = s0, s2 = s0;
                for (int y = 0; y < ymax; y++)
                {
                    int p = (y + ymin) * stride + xx * 3;
                    int w = kk[k + y];
                    s0 += src[p] * w;
                    s1 += src[p + 1] * w;
                    s2 += src[p + 2] * w;
                }
                int d = dstRow + xx * 3;
                dst[d] = Clip8(s0);
                dst[d + 1] = Clip8(s1);
                dst[d + 2] = Clip8(s2);
            }
        }
    }
}
