using WebUI.ModelForge.Demo.Scenes;

namespace WebUI.ModelForge.Demo;

/// <summary>
/// The demo model's data set: procedurally drawn pictures in scene families, each family with several members
/// (positions, colours, times of day) so the seed picks among them. Drawn at pixel resolution and encoded with the
/// demo VAE encoder's math, they are the means μ_k of the mixture the demo UNet denoises exactly.
/// </summary>
public static class DemoGallery
{
    /// <summary>Picture size the gallery stands for; the latent base is <see cref="LatentSize"/> = 64.</summary>
    public const int PixelSize = 512;
    public const int LatentSize = PixelSize / DemoLatentSpace.Factor;

    /// <summary>
    /// Size the shaders are evaluated at for the model: 4×4 samples per latent pixel. The decoder keeps only the
    /// 64×64 block means, and these differ from a full 512² drawing by well under one 8-bit level, at a quarter of the cost.
    /// </summary>
    public const int DrawSize = 256;

    static readonly Lazy<IReadOnlyList<DemoScene>> _scenes = new(() =>
    [
        .. SunsetSea.Create(),
        .. SnowyMountains.Create(),
        .. NightCity.Create(),
        .. FlowerField.Create(),
        .. RedCircle.Create(),
        .. Forest.Create(),
        .. DesertDunes.Create(),
        .. OceanBeach.Create(),
        .. NightSky.Create(),
        .. GreenHills.Create(),
    ]);

    /// <summary>All members in model order (index k of the UNet's mixture and of the text encoder's affinity columns).</summary>
    public static IReadOnlyList<DemoScene> Scenes => _scenes.Value;

    /// <summary>Distinct family names in gallery order.</summary>
    public static IReadOnlyList<string> Families => Scenes.Select(s => s.Family).Distinct().ToList();

    /// <summary>Draws one scene as a CHW picture in [−1, 1] (A1111's tensor convention), <paramref name="size"/> × <paramref name="size"/>.</summary>
    public static float[] Draw(DemoScene scene, int size = PixelSize)
    {
        var chw = new float[3 * size * size];
        int plane = size * size;
        for (int y = 0; y < size; y++)
        {
            double v = (y + 0.5) / size;
            for (int x = 0; x < size; x++)
            {
                var c = scene.Shade((x + 0.5) / size, v);
                int i = y * size + x;
                chw[i] = (float)(2 * Paint.Clamp01(c.R) - 1);
                chw[plane + i] = (float)(2 * Paint.Clamp01(c.G) - 1);
                chw[2 * plane + i] = (float)(2 * Paint.Clamp01(c.B) - 1);
            }
        }
        return chw;
    }

    /// <summary>
    /// μ for every scene: [K, 4, 64, 64] UNet-space latents, drawn and encoded in parallel (a second or two), then
    /// balanced to equal norm (see <see cref="Balance"/>).
    /// </summary>
    public static float[] EncodeAll()
    {
        var scenes = Scenes;
        int per = DemoLatentSpace.Channels * LatentSize * LatentSize;
        var all = new float[scenes.Count * per];
        Parallel.For(0, scenes.Count, k =>
        {
            var z = DemoLatentSpace.EncodeBlocks(Draw(scenes[k], DrawSize), DrawSize, DrawSize, DrawSize / LatentSize);
            z.CopyTo(all, k * per);
        });
        Balance(all, scenes.Count, LatentSize * LatentSize);
        return all;
    }

    /// <summary>
    /// Gives every member the same norm ‖μ_k‖² = 4·pixels (per-element RMS 1) by adding a constant along the latent
    /// direction the decoder cannot see (<see cref="DemoLatentSpace.HiddenDirection"/>), alternating its sign between
    /// members so the gallery stays centred. Why: sampling starts from pure noise x = σ_max·n, where
    /// ℓ_k = n·μ_k/σ − ‖μ_k‖²/(2σ²); unequal norms would hand low-contrast pictures tens of nats of advantage over any
    /// prompt and any seed. With equal norms only the seed's random projections n·μ_k and the prompt compete.
    /// The decoded pictures are unchanged.
    /// </summary>
    static void Balance(float[] all, int members, int pixels)
    {
        int per = DemoLatentSpace.Channels * pixels;
        double target = per;                                   // RMS 1 per element
        var hidden = DemoLatentSpace.HiddenDirection;
        for (int k = 0; k < members; k++)
        {
            var z = all.AsSpan(k * per, per);
            double norm2 = 0;
            foreach (var v in z) norm2 += (double)v * v;
            if (norm2 > target)
                throw new InvalidOperationException($"Gallery member {Scenes[k].Name} has RMS {Math.Sqrt(norm2 / per):F3} > 1; lower DemoLatentSpace.Gain.");
            double c = Math.Sqrt((target - norm2) / pixels) * (k % 2 == 0 ? 1 : -1);
            for (int ch = 0; ch < DemoLatentSpace.Channels; ch++)
            {
                float add = (float)(c * hidden[ch]);
                foreach (ref var v in z.Slice(ch * pixels, pixels)) v += add;
            }
        }
    }
}
