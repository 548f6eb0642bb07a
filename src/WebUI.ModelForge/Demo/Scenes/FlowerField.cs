using static WebUI.ModelForge.Demo.Scenes.Paint;

namespace WebUI.ModelForge.Demo.Scenes;

/// <summary>A field of flowers in perspective under an open sky, with a tree line on the horizon.</summary>
static class FlowerField
{
    enum Kind { Dots, Rows, Bands }

    sealed record Look(string Name, string Tags, Kind Kind, Rgb SkyTop, Rgb SkyLow, Rgb Grass, Rgb[] Petals, Rgb Center,
        double Density, double Radius, double Horizon, int Seed, double Clouds = 0.5, double SunU = -1);

    public static IEnumerable<DemoScene> Create()
    {
        const string common = "flowers field grass:0.5 green:0.4 sky:0.4 landscape:0.3 spring:0.6 summer:0.4";
        Look[] looks =
        [
            new("red poppies", "red day:0.5 blue:0.3", Kind.Dots, Rgb.Hex("#2f6fd0"), Rgb.Hex("#b8dcf6"), Rgb.Hex("#4f8a2a"),
                [Rgb.Hex("#e0201a"), Rgb.Hex("#c8140f"), Rgb.Hex("#f0402a")], Rgb.Hex("#2a0a08"), 0.6, 0.36, 0.46, 41),
            new("lavender rows", "purple evening:0.5 sunset:0.3", Kind.Rows, Rgb.Hex("#5a6ab8"), Rgb.Hex("#ffc890"), Rgb.Hex("#5a6a30"),
                [Rgb.Hex("#8a5ac8"), Rgb.Hex("#7048b0")], Rgb.Hex("#6040a0"), 1, 0.4, 0.5, 42, Clouds: 0.2, SunU: 0.7),
            new("sunflowers", "yellow sun:0.3 day:0.5 blue:0.3", Kind.Dots, Rgb.Hex("#1d5ec8"), Rgb.Hex("#98c8f0"), Rgb.Hex("#3e6e1e"),
                [Rgb.Hex("#ffc81a"), Rgb.Hex("#f4b010")], Rgb.Hex("#4a2a10"), 0.8, 0.42, 0.42, 43, Clouds: 0.35),
            new("wildflower meadow", "pink white:0.4 yellow:0.4 purple:0.4", Kind.Dots, Rgb.Hex("#6a9ad8"), Rgb.Hex("#e8eef6"), Rgb.Hex("#5c9a38"),
                [Rgb.Hex("#f080b0"), Rgb.Hex("#ffffff"), Rgb.Hex("#ffe050"), Rgb.Hex("#a070e0")], Rgb.Hex("#ffd040"), 0.75, 0.3, 0.5, 44, Clouds: 0.6),
            new("tulip bands", "red:0.8 yellow:0.7 pink:0.7 blue:0.3", Kind.Bands, Rgb.Hex("#3a78d8"), Rgb.Hex("#c8e2f8"), Rgb.Hex("#3e7a28"),
                [Rgb.Hex("#e02030"), Rgb.Hex("#ffd020"), Rgb.Hex("#f070a0"), Rgb.Hex("#f8f0f0")], Rgb.Hex("#e02030"), 0.9, 0.42, 0.44, 45),
        ];
        foreach (var look in looks)
            yield return new DemoScene("flower field", look.Name, DemoScene.ParseTags(common + " " + look.Tags), (u, v) => Shade(look, u, v));
    }

    static Rgb Sky(Look k, double u, double v)
    {
        var c = Mix(k.SkyTop, k.SkyLow, SmoothStep(0, k.Horizon, v));
        if (k.SunU >= 0)
        {
            double d2 = Math.Pow(u - k.SunU, 2) + Math.Pow((v - k.Horizon + 0.05) * 1.5, 2);
            c = c + Rgb.Hex("#ffb060") * (0.6 * Math.Exp(-d2 / 0.03));
            c = Mix(c, Rgb.Hex("#fff0c0"), Disc(u, v, k.SunU, k.Horizon - 0.06, 0.04, 0.003));
        }
        double n = Fbm(u * 3.5, v * 7, k.Seed + 1, 5);
        double cloud = SmoothStep(0.55, 0.7, n) * k.Clouds * 1.8 * (1 - SmoothStep(k.Horizon * 0.6, k.Horizon, v));
        var cloudColor = Mix(Rgb.Gray(0.98), Rgb.Hex("#b8c0d0"), SmoothStep(0.55, 0.8, Noise(u * 6, v * 14, k.Seed + 2)));
        return Mix(c, cloudColor, Clamp01(cloud));
    }

    static Rgb Shade(Look k, double u, double v)
    {
        double treeTop = k.Horizon - 0.025 - 0.035 * Fbm(u * 14, 0.5, k.Seed + 3, 3);
        if (v < treeTop) return Sky(k, u, v);
        if (v < k.Horizon) return Mix(Rgb.Hex("#1e3a1c"), k.SkyLow, 0.3);
        double z = (v - k.Horizon) / (1 - k.Horizon);
        double gx = (u - 0.5) * 8 / Math.Max(z, 1e-3), gy = 8 / Math.Max(z, 1e-3);
        var ground = k.Grass * (0.75 + 0.45 * Noise(gx * 0.7, gy * 0.7, k.Seed + 4));
        // Far away the flowers blur into their average colour, as they would at this resolution anyway.
        var average = Mix(ground, k.Petals[0], 0.5 * k.Density);
        double far = 1 - SmoothStep(0.02, 0.18, z);
        Rgb near = ground;
        switch (k.Kind)
        {
            case Kind.Rows:
            {
                double row = gx / 2.2 - Math.Floor(gx / 2.2);
                double bush = 0.55 + 0.15 * Noise(gx * 2, gy * 3, k.Seed + 5);
                if (row < bush) near = Mix(k.Petals[1], k.Petals[0], Noise(gx * 6, gy * 6, k.Seed + 6)) * (0.7 + 0.5 * (row / bush));
                else near = Rgb.Hex("#6a5a3a") * 0.8;
                average = Mix(k.Petals[0], Rgb.Hex("#6a5a3a"), 0.3);
                break;
            }
            default:
            {
                int cx = (int)Math.Floor(gx), cy = (int)Math.Floor(gy);
                if (Hash01(cx, cy, k.Seed) < k.Density)
                {
                    double px = cx + 0.25 + 0.5 * Hash01(cx, cy, k.Seed + 1), py = cy + 0.25 + 0.5 * Hash01(cx, cy, k.Seed + 2);
                    double d = Math.Sqrt((gx - px) * (gx - px) + (gy - py) * (gy - py) * 0.8);
                    double r = k.Radius * (0.8 + 0.4 * Hash01(cx, cy, k.Seed + 3));
                    Rgb petal;
                    if (k.Kind == Kind.Bands)
                    {
                        int band = (int)Math.Floor(gx / 3.0);
                        petal = k.Petals[(int)(Hash(band, 0, k.Seed) % (uint)k.Petals.Length)];
                    }
                    else petal = k.Petals[(int)(Hash(cx, cy, k.Seed + 4) % (uint)k.Petals.Length)];
                    if (d < r) near = d < r * 0.35 && k.Center != k.Petals[0] ? k.Center : petal * (0.85 + 0.3 * (1 - d / r));
                }
                if (k.Kind == Kind.Bands)
                {
                    int band = (int)Math.Floor(gx / 3.0);
                    average = Mix(ground, k.Petals[(int)(Hash(band, 0, k.Seed) % (uint)k.Petals.Length)], 0.75);
                }
                break;
            }
        }
        return Mix(near, average, far);
    }
}
