using static WebUI.ModelForge.Demo.Scenes.Paint;

namespace WebUI.ModelForge.Demo.Scenes;

/// <summary>Night skies: auroras over a lake or snow, the Milky Way, a full moon, stars over pines.</summary>
static class NightSky
{
    enum Ground { Lake, SnowHills, Hills, Pines }

    sealed record Look(string Name, string Tags, Rgb SkyTop, Rgb SkyLow, Rgb Aurora1, Rgb Aurora2, double AuroraStrength,
        Ground Ground, double StarDensity, int Seed, double MilkyWay = 0, double MoonR = 0);

    public static IEnumerable<DemoScene> Create()
    {
        const string common = "night stars sky:0.6 landscape:0.3";
        Look[] looks =
        [
            new("green aurora over a lake", "aurora green:0.7 water:0.5 lights:0.5 mountain:0.3", Rgb.Hex("#030814"), Rgb.Hex("#0a1e30"), Rgb.Hex("#40ff90"), Rgb.Hex("#7040c0"), 1.0,
                Ground.Lake, 0.14, 81),
            new("violet aurora over snow", "aurora purple:0.7 pink:0.4 snow:0.5 lights:0.5", Rgb.Hex("#080616"), Rgb.Hex("#1a1838"), Rgb.Hex("#60ffb0"), Rgb.Hex("#c050e0"), 1.0,
                Ground.SnowHills, 0.14, 82),
            new("milky way", "galaxy purple:0.3", Rgb.Hex("#02040c"), Rgb.Hex("#141830"), Rgb.Black, Rgb.Black, 0,
                Ground.Hills, 0.18, 83, MilkyWay: 1),
            new("full moon", "moon clouds:0.6 blue:0.5 hills:0.4", Rgb.Hex("#06102a"), Rgb.Hex("#1e3460"), Rgb.Black, Rgb.Black, 0,
                Ground.Hills, 0.06, 84, MoonR: 0.085),
            new("stars over pines", "forest:0.5 aurora:0.5 turquoise:0.4", Rgb.Hex("#040a16"), Rgb.Hex("#0c2a3a"), Rgb.Hex("#30e0c0"), Rgb.Hex("#3060a0"), 0.55,
                Ground.Pines, 0.2, 85),
        ];
        foreach (var look in looks)
            yield return new DemoScene("starry night sky", look.Name, DemoScene.ParseTags(common + " " + look.Tags), (u, v) => Shade(look, u, v));
    }

    static Rgb Sky(Look k, double u, double v)
    {
        var c = Mix(k.SkyTop, k.SkyLow, SmoothStep(0, 0.7, v));
        double starBoost = 0;
        if (k.MilkyWay > 0)
        {
            // A diagonal band of glow with dark dust lanes, denser with stars.
            double d = (v - (0.95 - 0.85 * u)) / 0.16;
            double band = Math.Exp(-d * d);
            double dust = SmoothStep(0.45, 0.7, Fbm(u * 6, v * 6, k.Seed + 1, 5));
            var glow = Mix(Rgb.Hex("#6a5aa0"), Rgb.Hex("#e0b890"), Math.Exp(-Math.Pow((u - 0.45) / 0.2, 2)));
            c = c + glow * (0.55 * band * (1 - 0.8 * dust));
            starBoost = 0.35 * band;
        }
        c = c + Rgb.White * Stars(u, v, k.Seed, Math.Min(0.9, k.StarDensity + starBoost));
        if (k.AuroraStrength > 0)
        {
            double line = 0.32 + 0.08 * Math.Sin(u * 5.5 + 1) + 0.08 * (Noise1(u * 3, k.Seed + 2) - 0.5);
            double below = v - line;
            double curtain = below > 0 ? Math.Exp(-Math.Pow(below / 0.07, 2)) : Math.Exp(below / 0.16);
            double rays = 0.45 + 0.55 * Noise(u * 34, v * 1.5, k.Seed + 3);
            double fold = 0.6 + 0.4 * Noise1(u * 4, k.Seed + 4);
            var tint = Mix(k.Aurora1, k.Aurora2, SmoothStep(0.0, 0.25, -below));
            c = c + tint * (k.AuroraStrength * curtain * rays * fold * 0.9);
        }
        if (k.MoonR > 0)
        {
            double mu = 0.66, mv = 0.26;
            double d = Math.Sqrt((u - mu) * (u - mu) + (v - mv) * (v - mv));
            c = c + Rgb.Hex("#5070a8") * (0.5 * Math.Exp(-d * d / 0.03));
            // Silver-edged clouds drifting across.
            double cl = SmoothStep(0.55, 0.75, Fbm(u * 3, v * 9, k.Seed + 5, 5)) * (1 - SmoothStep(0.35, 0.6, v));
            c = Mix(c, Mix(Rgb.Hex("#1a2440"), Rgb.Hex("#a0b0d0"), Math.Exp(-d * d / 0.02)), cl * 0.85);
            var moon = Rgb.Hex("#f4f0dc") * (0.92 + 0.08 * Noise(u * 40, v * 40, k.Seed + 6));
            c = Mix(c, moon, Disc(u, v, mu, mv, k.MoonR, 0.003) * (1 - 0.6 * cl));
        }
        return c;
    }

    static Rgb Shade(Look k, double u, double v)
    {
        switch (k.Ground)
        {
            case Ground.Lake:
            {
                double ridge = 0.62 - 0.16 * Ridge(u * 2.5, k.Seed + 7);
                if (v < ridge) return Sky(k, u, v);
                if (v < 0.7) return Rgb.Hex("#03060c");
                double mirror = 0.7 - (v - 0.7) * 1.2;
                double ripple = (Noise(u * 5, v * 70, k.Seed + 8) - 0.5) * 0.02;
                var reflected = mirror < 0.62 - 0.16 * Ridge((u + ripple) * 2.5, k.Seed + 7) ? Sky(k, u + ripple, mirror) : Rgb.Hex("#03060c");
                return reflected * 0.6;
            }
            case Ground.SnowHills:
            {
                double hill = 0.72 + 0.06 * Math.Sin(u * 4 + 2) + 0.03 * Noise1(u * 6, k.Seed + 9);
                if (v < hill) return Sky(k, u, v);
                double shade = 0.7 + 0.3 * Noise(u * 6, v * 10, k.Seed + 10);
                var snow = Mix(Rgb.Hex("#405080"), Rgb.Hex("#a0b0d8"), shade);
                return snow + k.Aurora1 * (0.12 * (1 - SmoothStep(0, 0.2, v - hill)));
            }
            case Ground.Hills:
            {
                double far = 0.7 + 0.05 * Math.Sin(u * 3 + 1) + 0.04 * Noise1(u * 5, k.Seed + 11);
                double near = 0.8 + 0.06 * Math.Sin(u * 2.2 + 4) + 0.03 * Noise1(u * 7, k.Seed + 12);
                if (v < far) return Sky(k, u, v) + Rgb.Hex("#402a30") * (0.5 * SmoothStep(far - 0.12, far, v) * k.MilkyWay);
                return v < near ? Rgb.Hex("#0c1426") : Rgb.Hex("#05080e");
            }
            default:
            {
                double baseV = 0.8 + 0.03 * Noise1(u * 4, k.Seed + 13);
                double x = u / 0.045;
                int i = (int)Math.Floor(x);
                double f = x - i, height = 0.18 + 0.14 * Hash01(i, 0, k.Seed);
                double tip = baseV - height;
                bool tree = v > tip && Math.Abs(f - 0.5) < 0.5 * Clamp01((v - tip) / height);
                return tree || v > baseV ? Rgb.Hex("#020406") : Sky(k, u, v);
            }
        }
    }
}
