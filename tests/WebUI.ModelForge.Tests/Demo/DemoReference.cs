using WebUI.Diffusion.Sampling;
using WebUI.ModelForge.Demo;

namespace WebUI.ModelForge.Tests.Demo;

/// <summary>The demo UNet's formulas (demo-model.md) computed directly in double precision, as the tests' reference.</summary>
static class DemoReference
{
    /// <summary>Bilinear resize with half-pixel centres and edge clamping (ONNX Resize "linear", "half_pixel"), per channel plane.</summary>
    public static double[] Resize(ReadOnlySpan<float> src, int planes, int inH, int inW, int outH, int outW)
    {
        var dst = new double[planes * outH * outW];
        for (int p = 0; p < planes; p++)
            for (int y = 0; y < outH; y++)
            {
                double sy = Math.Clamp((y + 0.5) * inH / outH - 0.5, 0, inH - 1);
                int y0 = (int)Math.Floor(sy), y1 = Math.Min(y0 + 1, inH - 1);
                double fy = sy - y0;
                for (int x = 0; x < outW; x++)
                {
                    double sx = Math.Clamp((x + 0.5) * inW / outW - 0.5, 0, inW - 1);
                    int x0 = (int)Math.Floor(sx), x1 = Math.Min(x0 + 1, inW - 1);
                    double fx = sx - x0;
                    double a = src[(p * inH + y0) * inW + x0], b = src[(p * inH + y0) * inW + x1];
                    double c = src[(p * inH + y1) * inW + x0], d = src[(p * inH + y1) * inW + x1];
                    dst[(p * outH + y) * outW + x] = (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
                }
            }
        return dst;
    }

    /// <summary>log π_k for one batch row: log-softmax of β × (affinity summed over tokens).</summary>
    public static double[] LogPrior(ReadOnlySpan<float> states, int sequence, int k)
    {
        var prior = new double[k];
        for (int s = 0; s < sequence; s++)
            for (int m = 0; m < k; m++) prior[m] += states[s * DemoModel.HiddenSize + m];
        for (int m = 0; m < k; m++) prior[m] *= DemoModel.PromptStrength;
        double max = prior.Max(), lse = max + Math.Log(prior.Sum(p => Math.Exp(p - max)));
        return prior.Select(p => p - lse).ToArray();
    }

    /// <summary>ε for a batch: x_in [B, 4, h, w] (VP-scaled), timestep t, states [B, S, 768], gallery μ [K, 4, 64, 64].</summary>
    public static double[] Eps(float[] xIn, int batch, int h, int w, double t, float[] states, int sequence, float[] gallery, int k)
    {
        double sigma = NoiseSchedule.Default.TToSigma(Math.Clamp(t, 0, 999));
        double tau2 = (double)DemoModel.Texture * DemoModel.Texture, s2 = sigma * sigma;
        int per = 4 * h * w;
        var mu = Resize(gallery, k * 4, DemoGallery.LatentSize, DemoGallery.LatentSize, h, w);
        var eps = new double[batch * per];
        for (int b = 0; b < batch; b++)
        {
            var x = new double[per];
            for (int i = 0; i < per; i++) x[i] = xIn[b * per + i] * Math.Sqrt(1 + s2);
            var logits = LogPrior(states.AsSpan(b * sequence * DemoModel.HiddenSize, sequence * DemoModel.HiddenSize), sequence, k);
            for (int m = 0; m < k; m++)
            {
                double d2 = 0;
                for (int i = 0; i < per; i++) { double d = x[i] - mu[m * per + i]; d2 += d * d; }
                logits[m] -= d2 / (2 * (s2 + tau2));
            }
            double max = logits.Max();
            var r = logits.Select(l => Math.Exp(l - max)).ToArray();
            double sum = r.Sum();
            for (int i = 0; i < per; i++)
            {
                double denoised = 0;
                for (int m = 0; m < k; m++) denoised += r[m] / sum * (tau2 * x[i] + s2 * mu[m * per + i]) / (s2 + tau2);
                eps[b * per + i] = (x[i] - denoised) / sigma;
            }
        }
        return eps;
    }

    /// <summary>Picture in 8-bit levels as A1111 stores it (truncating 255·clamp(x/2 + 0.5)).</summary>
    public static byte[] ToBytes(float[] chw) => chw.Select(v => (byte)(255 * Math.Clamp(v / 2 + 0.5, 0, 1))).ToArray();
}
