using static WebUI.ModelForge.Demo.Scenes.Paint;

namespace WebUI.ModelForge.Demo.Scenes;

/// <summary>The sea by day: tropical shorelines with foam, rolling surf, an evening beach and a storm.</summary>
static class OceanBeach
{
    sealed record Look(string Name, string Tags, Rgb SkyTop, Rgb SkyLow, Rgb SeaFar, Rgb SeaNear, Rgb Sand, Rgb Foam,
        double Horizon, double Shore, double Swell, double Clouds, Rgb CloudColor, int Seed);

    public static IEnumerable<DemoScene> Create()
    {
        const string common = "sea:0.7 waves:0.8 beach water:0.6 sky:0.4 landscape:0.3";
        Look[] looks =
        [
            new("tropical beach", "tropical turquoise sand summer day:0.5 blue:0.5", Rgb.Hex("#1e6ad0"), Rgb.Hex("#a8d8f8"), Rgb.Hex("#0a4a9a"), Rgb.Hex("#30d0d0"),
                Rgb.Hex("#f4e2b8"), Rgb.Hex("#ffffff"), 0.42, 0.68, 0.4, 0.5, Rgb.Gray(1.0), 71),
            new("rolling surf", "waves:1 blue:0.6 day:0.5", Rgb.Hex("#5a8ac8"), Rgb.Hex("#d0e4f4"), Rgb.Hex("#1a3a6a"), Rgb.Hex("#2a7aa0"),
                Rgb.Hex("#e0d0b0"), Rgb.Hex("#f4f8fc"), 0.36, 2, 1, 0.4, Rgb.Gray(0.95), 72),
            new("shore break", "waves:1 sand turquoise:0.6 day:0.5", Rgb.Hex("#3c7cd0"), Rgb.Hex("#c8e4f8"), Rgb.Hex("#124a80"), Rgb.Hex("#3ab0c0"),
                Rgb.Hex("#e8d4a8"), Rgb.Hex("#ffffff"), 0.38, 0.74, 0.8, 0.3, Rgb.Gray(1.0), 73),
            new("evening beach", "evening:0.8 pink:0.6 purple:0.5 sand sunset:0.3", Rgb.Hex("#4a4a90"), Rgb.Hex("#f8b8a0"), Rgb.Hex("#5a5a9a"), Rgb.Hex("#8a7aa8"),
                Rgb.Hex("#c8a0a0"), Rgb.Hex("#fff0f0"), 0.46, 0.7, 0.35, 0.35, Rgb.Hex("#f8a8b0"), 74),
            new("stormy sea", "storm clouds gray:0.8 waves:1 beach:0.3", Rgb.Hex("#3a424a"), Rgb.Hex("#8a949a"), Rgb.Hex("#2a3a3a"), Rgb.Hex("#3a5a58"),
                Rgb.Hex("#807060"), Rgb.Hex("#e0e8e8"), 0.4, 2, 1.2, 1.2, Rgb.Hex("#50585e"), 75),
        ];
        foreach (var look in looks)
            yield return new DemoScene("beach and ocean waves", look.Name, DemoScene.ParseTags(common + " " + look.Tags), (u, v) => Shade(look, u, v));
    }

    static Rgb Shade(Look k, double u, double v)
    {
        if (v < k.Horizon)
        {
            var sky = Mix(k.SkyTop, k.SkyLow, SmoothStep(0, k.Horizon, v));
            double n = Fbm(u * 3, v * 8, k.Seed, 5);
            double cloud = Clamp01(SmoothStep(0.5, 0.7, n) * k.Clouds * 1.6);
            var shade = Mix(k.CloudColor, k.CloudColor * 0.7, SmoothStep(0.5, 0.85, Noise(u * 5, v * 12, k.Seed + 1)));
            return Mix(sky, shade, cloud);
        }
        double shore = k.Shore + 0.1 * u - 0.05 + 0.03 * Math.Sin(u * 6 + k.Seed);
        if (v < shore)
        {
            double z = (v - k.Horizon) / (1 - k.Horizon);
            var sea = Mix(k.SeaFar, k.SeaNear, SmoothStep(0, 0.9, z));
            // Wave rows in perspective: crest lines bunch up toward the horizon.
            double row = 3.0 / Math.Max(z, 0.02) + 1.2 * Noise(u * 3, z * 4, k.Seed + 2);
            double phase = row - Math.Floor(row);
            double crest = SmoothStep(0.82, 0.97, phase) * k.Swell * SmoothStep(0.05, 0.35, z);
            double trough = SmoothStep(0.2, 0.75, phase);
            sea = sea * (0.8 + 0.3 * trough);
            double broken = SmoothStep(0.35, 0.7, Noise(u * 14, row * 2, k.Seed + 3));
            sea = Mix(sea, k.Foam, Clamp01(crest * (0.4 + 0.6 * broken)));
            // Foam where the water meets the sand.
            double toShore = shore - v;
            double edge = 1 - SmoothStep(0.0, 0.03 + 0.02 * Noise(u * 10, 0.3, k.Seed + 4), toShore);
            return Mix(sea, k.Foam, Clamp01(edge * (0.6 + 0.4 * Noise(u * 25, v * 25, k.Seed + 5))));
        }
        // Sand: darker and reflective where wet, lighter further up the beach.
        double wet = 1 - SmoothStep(0, 0.06, v - shore);
        var sand = k.Sand * (0.92 + 0.1 * Noise(u * 7, v * 9, k.Seed + 6));
        return Mix(sand, Mix(k.Sand * 0.7, k.SkyLow, 0.35), wet);
    }
}
