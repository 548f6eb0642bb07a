namespace WebUI.ModelForge.Demo;

/// <summary>
/// The demo VAE's latent space. Each latent pixel stands for one 8×8 block of the picture, and its 4 channels
/// are a fixed linear function of the block's mean colour:
/// <c>z = Gain · Basis · (rgb − MeanRgb)</c> (UNet-space, i.e. already multiplied by the scaling factor 0.18215).
/// Basis is a 4×4 Hadamard matrix without its all-ones column, so its 3 columns are orthonormal: channel 0 is
/// luminance, 1 green−magenta, 2 red−cyan, 3 blue−yellow, and the decoder's map (Basisᵀ / Gain) is the exact
/// left inverse; the fourth direction, (1, 1, 1, 1)/2, is invisible to the decoder (see <see cref="HiddenDirection"/>).
/// Gain and MeanRgb centre the gallery's latents and give them unit RMS per element, as the 0.18215 factor does for
/// real SD latents, so the σ range 0.029…14.6 has its usual meaning.
/// </summary>
public static class DemoLatentSpace
{
    /// <summary>The VAE scaling factor: UNet-space latents = unscaled decoder latents × this.</summary>
    public const float ScalingFactor = 0.18215f;

    /// <summary>Pixels per latent pixel along each axis.</summary>
    public const int Factor = 8;

    public const int Channels = 4;

    /// <summary>Rows: latent channels 0..3; columns: R, G, B.</summary>
    static readonly float[,] Basis =
    {
        { 0.5f, 0.5f, 0.5f },
        { -0.5f, 0.5f, -0.5f },
        { 0.5f, -0.5f, -0.5f },
        { -0.5f, -0.5f, 0.5f },
    };

    /// <summary>
    /// Latent units per unit of RGB in [−1, 1]: chosen so the most contrasty gallery picture has per-element RMS just
    /// under 1 before balancing (see <see cref="HiddenDirection"/>).
    /// </summary>
    public const float Gain = 1.65f;

    /// <summary>
    /// The unit latent direction (per pixel) the decoder ignores: orthogonal to all three Basis columns. The encoder
    /// uses it to balance energy: it adds c·HiddenDirection to every pixel, with c ≥ 0 chosen so the whole latent has
    /// per-element RMS <see cref="TargetRms"/> (c = 0 for pictures already above it). Why: sampling starts from pure
    /// noise x = σ_max·n, where ℓ_k = n·μ_k/σ − ‖μ_k‖²/(2σ²); unequal norms would hand low-contrast pictures tens of
    /// nats over any prompt and any seed. With equal norms only the seed's projections n·μ_k and the prompt compete.
    /// Decoding ignores the added part, so decode(encode(x)) is unchanged, and because the encoder (not just the
    /// gallery) balances, re-encoding a gallery picture for img2img lands on its own member.
    /// </summary>
    public static ReadOnlySpan<float> HiddenDirection => [0.5f, 0.5f, 0.5f, 0.5f];

    /// <summary>Per-element RMS the encoder balances latents up to (real SD latents have about unit RMS too).</summary>
    public const float TargetRms = 1f;

    /// <summary>The gallery's mean colour in [−1, 1]; the latent origin decodes to it.</summary>
    public static ReadOnlySpan<float> MeanRgb => [-0.17f, -0.155f, -0.06f];

    /// <summary>Encoder map, UNet space: z[k] = Σ_c Encode[k, c] · rgb[c] + EncodeBias[k].</summary>
    public static float[,] EncodeMatrix()
    {
        var m = new float[Channels, 3];
        for (int k = 0; k < Channels; k++)
            for (int c = 0; c < 3; c++) m[k, c] = Gain * Basis[k, c];
        return m;
    }

    public static float[] EncodeBias()
    {
        var e = EncodeMatrix();
        var b = new float[Channels];
        for (int k = 0; k < Channels; k++)
            for (int c = 0; c < 3; c++) b[k] -= e[k, c] * MeanRgb[c];
        return b;
    }

    /// <summary>Decoder map, UNet space: rgb[c] = Σ_k Decode[k, c] · z[k] + MeanRgb[c] (the exact preview matrix).</summary>
    public static float[,] DecodeMatrix()
    {
        var m = new float[Channels, 3];
        for (int k = 0; k < Channels; k++)
            for (int c = 0; c < 3; c++) m[k, c] = Basis[k, c] / Gain;
        return m;
    }

    /// <summary>
    /// The encoder's math in C#: CHW picture in [−1, 1] → UNet-space latents [4, H/8, W/8]
    /// (8×8 mean, the channel map, then energy balancing along <see cref="HiddenDirection"/>). Rows/columns beyond a multiple of 8 are dropped, as AveragePool does.
    /// </summary>
    public static float[] Encode(ReadOnlySpan<float> chw, int height, int width) => EncodeBlocks(chw, height, width, Factor);

    /// <summary>
    /// The same map with <paramref name="block"/>×<paramref name="block"/> pixels per latent pixel: the gallery is drawn
    /// at half size (4×4 samples per latent pixel), which equals encoding the full-size picture with each sample
    /// repeated over 2×2 pixels.
    /// </summary>
    internal static float[] EncodeBlocks(ReadOnlySpan<float> chw, int height, int width, int block)
    {
        if (chw.Length != 3 * height * width) throw new ArgumentException($"Picture has {chw.Length} values; expected 3×{height}×{width}.");
        int h = height / block, w = width / block, plane = height * width;
        var e = EncodeMatrix();
        var bias = EncodeBias();
        var z = new float[Channels * h * w];
        Span<double> mean = stackalloc double[3];
        double norm2 = 0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    double s = 0;
                    for (int dy = 0; dy < block; dy++)
                    {
                        int row = c * plane + (y * block + dy) * width + x * block;
                        for (int dx = 0; dx < block; dx++) s += chw[row + dx];
                    }
                    mean[c] = s / (block * block);
                }
                for (int k = 0; k < Channels; k++)
                {
                    float v = (float)(e[k, 0] * mean[0] + e[k, 1] * mean[1] + e[k, 2] * mean[2] + bias[k]);
                    z[(k * h + y) * w + x] = v;
                    norm2 += (double)v * v;
                }
            }
        // Energy balance along the hidden direction (see HiddenDirection).
        int pixels = h * w;
        double lift = Math.Sqrt(Math.Max(0, Channels * pixels * (double)TargetRms * TargetRms - norm2) / pixels);
        for (int k = 0; k < Channels; k++)
        {
            float add = (float)(lift * HiddenDirection[k]);
            foreach (ref var v in z.AsSpan(k * pixels, pixels)) v += add;
        }
        return z;
    }

    /// <summary>The decoder's channel map at latent resolution (before its 8× upsampling): [4, h, w] → [3, h, w].</summary>
    public static float[] ToRgbAtLatentResolution(ReadOnlySpan<float> latent, int h, int w)
    {
        if (latent.Length != Channels * h * w) throw new ArgumentException($"Latent has {latent.Length} values; expected 4×{h}×{w}.");
        var d = DecodeMatrix();
        var rgb = new float[3 * h * w];
        int plane = h * w;
        for (int i = 0; i < plane; i++)
            for (int c = 0; c < 3; c++)
            {
                double s = MeanRgb[c];
                for (int k = 0; k < Channels; k++) s += d[k, c] * latent[k * plane + i];
                rgb[c * plane + i] = (float)s;
            }
        return rgb;
    }
}
