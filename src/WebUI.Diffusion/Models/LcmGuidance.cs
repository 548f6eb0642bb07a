namespace WebUI.Diffusion.Models;

/// <summary>
/// The guidance-scale embedding LCM-distilled UNets take as <c>timestep_cond</c> (diffusers'
/// <c>get_guidance_scale_embedding</c>, diffusion-reference §3.16): w = cfg − 1, W = 1000·w,
/// f_j = exp(−j·ln(10000)/(half − 1)), emb = [sin(W·f), cos(W·f)], zero-padded for an odd width. Computed in double,
/// as the reference vectors are: W·f reaches thousands of radians, where float32 rounding would move the sines by ~1e-4.
/// </summary>
internal static class LcmGuidance
{
    public const int DefaultWidth = 256;

    public static float[] Embedding(double guidanceScale, int width)
    {
        if (width < 2) throw new ArgumentOutOfRangeException(nameof(width), width, "The guidance embedding needs at least 2 values.");
        int half = width / 2;
        double w = (guidanceScale - 1) * 1000.0;
        double step = Math.Log(10000.0) / Math.Max(half - 1, 1);
        var result = new float[width];
        for (int j = 0; j < half; j++)
        {
            double arg = w * Math.Exp(j * -step);
            result[j] = (float)Math.Sin(arg);
            result[half + j] = (float)Math.Cos(arg);
        }
        return result;
    }
}
