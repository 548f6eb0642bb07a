using WebUI.ModelForge.Demo.Scenes;

namespace WebUI.ModelForge.Demo;

/// <summary>
/// The demo model's data set: procedurally drawn pictures in scene families, each family with several members
/// (positions, colours, times of day) so the seed picks among them. Drawn procedurally and encoded with the demo VAE
/// encoder's math, they are the means μ_k of the mixture the demo UNet denoises exactly.
/// </summary>
public static class DemoGallery
{
    /// <summary>Picture size the gallery stands for; the latent base is <see cref="LatentSize"/> = 64.</summary>
    public const int PixelSize = 512;
    public const int LatentSize = PixelSize / DemoLatentSpace.Factor;

    /// <summary>
    /// Size the shaders are evaluated at for the model: 4×4 samples per latent pixel (the encoder's 8×8 mean of a 512²
    /// picture whose samples each cover 2×2 pixels). The decoder keeps only the 64×64 block means; for smooth scenes these
    /// match a full 512² drawing within about an 8-bit level, for the busiest (distant flowers, foam) within 2–3 levels
    /// on average, because the finest detail aliases differently. A quarter of the cost keeps Build at a second or two.
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
    /// μ for every scene: [K, 4, 64, 64] UNet-space latents, drawn and encoded (with the encoder's math, energy
    /// balancing included) in parallel; a second or two.
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
        return all;
    }
}
