using static WebUI.ModelForge.Demo.Scenes.Paint;

namespace WebUI.ModelForge.Demo.Scenes;

/// <summary>Snow-capped peaks in three hazy ranks over a snowfield, each peak with a lit and a shadowed face.</summary>
static class SnowyMountains
{
    sealed record Look(string Name, string Tags, Rgb SkyTop, Rgb SkyLow, Rgb Snow, Rgb SnowShadow, Rgb Rock,
        double LightFromLeft, int Seed, double MoonU = -1, double MoonV = 0, double Flakes = 0, double Stars = 0, double Glow = 0);

    readonly record struct Peak(double U, double V, double Slope, double Slant);

    public static IEnumerable<DemoScene> Create()
    {
        const string common = "snow mountain white:0.6 sky:0.4 landscape:0.3";
        Look[] looks =
        [
            new("clear day", "blue:0.6 sun:0.3 day", Rgb.Hex("#1f5fb8"), Rgb.Hex("#a6d0f0"), Rgb.Hex("#f6f9fc"), Rgb.Hex("#8096c0"), Rgb.Hex("#3c4352"), 1, 21),
            new("alpenglow", "pink evening:0.7 sunset:0.4", Rgb.Hex("#34407e"), Rgb.Hex("#f6b0a0"), Rgb.Hex("#ffd0c4"), Rgb.Hex("#6c64a0"), Rgb.Hex("#40344e"), -1, 22, Glow: 0.5),
            new("moonlit night", "night moon stars:0.6 blue:0.4", Rgb.Hex("#050a1c"), Rgb.Hex("#1d2d5a"), Rgb.Hex("#b0c0e8"), Rgb.Hex("#34406c"), Rgb.Hex("#141a2e"), 1, 23,
                MoonU: 0.76, MoonV: 0.17, Stars: 0.15),
            new("warm dawn", "dawn sun:0.4 orange:0.4", Rgb.Hex("#5f86c8"), Rgb.Hex("#ffd2a0"), Rgb.Hex("#fff0dc"), Rgb.Hex("#8a8cb8"), Rgb.Hex("#4a4552"), -1, 24, Glow: 0.6),
            new("snowfall", "clouds:0.8 gray:0.6 storm:0.4", Rgb.Hex("#9aa6b4"), Rgb.Hex("#d8dee6"), Rgb.Hex("#eef1f5"), Rgb.Hex("#a0aabb"), Rgb.Hex("#5a626e"), 1, 25, Flakes: 1),
        ];
        foreach (var look in looks)
        {
            var ranks = Ranks(look);
            yield return new DemoScene("snowy mountains", look.Name, DemoScene.ParseTags(common + " " + look.Tags), (u, v) => Shade(look, ranks, u, v));
        }
    }

    // Rank 0 is the far, tall range; rank 2 the near, low one.
    static Peak[][] Ranks(Look k)
    {
        var ranks = new Peak[3][];
        for (int r = 0; r < 3; r++)
        {
            int count = r == 1 ? 3 : 2;
            ranks[r] = new Peak[count];
            for (int i = 0; i < count; i++)
            {
                double u = (i + 0.15 + 0.7 * Hash01(i, r, k.Seed)) / count;
                double v = (r switch { 0 => 0.14, 1 => 0.34, _ => 0.54 }) + 0.1 * Hash01(i, r, k.Seed + 1);
                double slope = 0.6 + 0.5 * Hash01(i, r, k.Seed + 2);
                double slant = 0.5 * (Hash01(i, r, k.Seed + 3) - 0.5);
                ranks[r][i] = new Peak(u, v, slope, slant);
            }
        }
        return ranks;
    }

    // Skyline of a rank at u and the peak that forms it there.
    static double Top(Look k, Peak[] peaks, int rank, double u, out Peak owner)
    {
        double best = double.MaxValue;
        owner = peaks[0];
        foreach (var p in peaks)
        {
            double t = p.V + p.Slope * Math.Abs(u - p.U);
            if (t < best) { best = t; owner = p; }
        }
        return best + 0.02 * (Fbm(u * 14, rank, k.Seed + 40, 3) - 0.5);
    }

    static Rgb Face(Look k, int rank, Peak p, double u, double v, double top)
    {
        double depth = v - top;
        // The ridge line running down from the summit splits the lit face from the shadowed one.
        double ridgeU = p.U + (v - p.V) * p.Slant + 0.025 * (Noise1(v * 14, k.Seed + rank) - 0.5);
        double lit = SmoothStep(-0.012, 0.012, (ridgeU - u) * k.LightFromLeft);
        // Snow lies thick near the summit and in streaks lower down the faces.
        double streak = Noise((u - ridgeU) * 22, v * 4, k.Seed + 50 + rank);
        double below = v - p.V;
        double snowLine = 0.12 + 0.1 * Noise(u * 7, v * 3, k.Seed + 60 + rank) + 0.08 * streak;
        double snowy = 1 - SmoothStep(snowLine - 0.03, snowLine + 0.03, below * 0.9 + depth * 0.3);
        var snow = Mix(k.SnowShadow, k.Snow, lit);
        var rock = k.Rock * (0.65 + 0.5 * lit) * (0.85 + 0.3 * streak);
        var surface = Mix(rock, snow, snowy);
        double haze = rank switch { 0 => 0.45, 1 => 0.25, _ => 0.1 };
        return Mix(surface, k.SkyLow, haze);
    }

    static Rgb Shade(Look k, Peak[][] ranks, double u, double v)
    {
        Rgb c;
        double field = 0.84 + 0.03 * Math.Sin(u * 5 + 1) + 0.02 * Noise(u * 6, 0.3, k.Seed + 3);
        if (v > field)
        {
            double drift = Noise(u * 5, v * 9, k.Seed + 5);
            c = Mix(k.SnowShadow, k.Snow, 0.6 + 0.35 * drift);
        }
        else
        {
            c = default;
            bool covered = false;
            // Near ranks hide far ones: the first rank (front to back) the pixel lies under decides its colour.
            for (int r = 2; r >= 0 && !covered; r--)
            {
                double top = Top(k, ranks[r], r, u, out var owner);
                if (v < top) continue;
                c = Face(k, r, owner, u, v, top);
                covered = true;
            }
            if (!covered) c = Sky(k, u, v);
        }
        if (k.Flakes > 0)
        {
            double f = Stars(u + 0.02 * Math.Sin(v * 30), v, k.Seed + 9, 0.3, 1.0 / 34);
            c = Mix(c, Rgb.White, Clamp01(f * 1.2));
        }
        return c;
    }

    static Rgb Sky(Look k, double u, double v)
    {
        var sky = Mix(k.SkyTop, k.SkyLow, SmoothStep(0.0, 0.62, v));
        if (k.Glow > 0)
        {
            double gx = k.LightFromLeft > 0 ? u : 1 - u;
            sky = sky + k.SkyLow * (k.Glow * 0.35 * Math.Exp(-Math.Pow((v - 0.6) / 0.2, 2)) * (1.2 - gx));
        }
        if (k.Stars > 0) sky = sky + Rgb.White * Stars(u, v, k.Seed, k.Stars);
        if (k.MoonU >= 0)
        {
            double d = Math.Sqrt((u - k.MoonU) * (u - k.MoonU) + (v - k.MoonV) * (v - k.MoonV));
            sky = sky + Rgb.Hex("#8090c0") * (0.35 * Math.Exp(-d * d / 0.02));
            sky = Mix(sky, Rgb.Hex("#f4f2e4"), Disc(u, v, k.MoonU, k.MoonV, 0.045, 0.003));
        }
        return sky;
    }
}
