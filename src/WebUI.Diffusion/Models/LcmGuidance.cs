namespace WebUI.Diffusion.Models;

/// <summary>
/// The guidance-scale embedding LCM-distilled UNets take as <c>timestep_cond</c> (diffusers'
/// <c>get_guidance_scale_embedding</c>, diffusion-reference §3.16): w = cfg − 1, W = 1000·w,
/// f_j = exp(−j·ln(10000)/(half − 1)), emb = [sin(W·f), cos(W·f)], zero-padded for an odd width. Computed in float32
/// as torch does, since W·f is large and its float32 rounding shows in the sines.
/// </summary>
internal static class LcmGuidance
{
    public const int DefaultWidth = 256;

    public static float[] Embedding(double guidanceScale, int width)
    {
        if (width < 2) throw new ArgumentOutOfRangeException(nameof(width), width, "The guidance embedding needs at least 2 values.");
        int half = width / 2;
        float w = (float)(guidanceScale - 1) * 1000f;
        float step = MathF.Log(10000f) / (half - 1 == 0 ? 1 : half - 1);
        var result = new float[width];
        for (int j = 0; j < half; j++)
        {
            float f = MathF.Exp(j * -step);
            float arg = w * f;
            result[j] = MathF.Sin(arg);
            result[half + j] = MathF.Cos(arg);
        }
        return result;
    }
}
