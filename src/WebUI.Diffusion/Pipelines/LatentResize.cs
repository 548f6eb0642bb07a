namespace WebUI.Diffusion.Pipelines;

/// <summary>Bilinear resize of a CHW latent, as torch's F.interpolate(mode="bilinear", align_corners=False).</summary>
internal static class LatentResize
{
    public static float[] Bilinear(ReadOnlySpan<float> src, int channels, int srcH, int srcW, int dstH, int dstW)
    {
        var dst = new float[channels * dstH * dstW];
        double sy = (double)srcH / dstH, sx = (double)srcW / dstW;
        for (int y = 0; y < dstH; y++)
        {
            double fy = Math.Max((y + 0.5) * sy - 0.5, 0);
            int y0 = Math.Min((int)fy, srcH - 1), y1 = Math.Min(y0 + 1, srcH - 1);
            float ly = (float)(fy - y0);
            for (int x = 0; x < dstW; x++)
            {
                double fx = Math.Max((x + 0.5) * sx - 0.5, 0);
                int x0 = Math.Min((int)fx, srcW - 1), x1 = Math.Min(x0 + 1, srcW - 1);
                float lx = (float)(fx - x0);
                for (int c = 0; c < channels; c++)
                {
                    var p = src.Slice(c * srcH * srcW);
                    float top = p[y0 * srcW + x0] * (1 - lx) + p[y0 * srcW + x1] * lx;
                    float bottom = p[y1 * srcW + x0] * (1 - lx) + p[y1 * srcW + x1] * lx;
                    dst[(c * dstH + y) * dstW + x] = top * (1 - ly) + bottom * ly;
                }
            }
        }
        return dst;
    }
}
