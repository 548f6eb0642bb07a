using static WebUI.ModelForge.Demo.Scenes.Paint;

namespace WebUI.ModelForge.Demo.Scenes;

/// <summary>The sun low over an open sea: graded sky, lit cloud streaks, a sun disc and its broken reflection.</summary>
static class SunsetSea
{
    sealed record Look(string Name, string Tags, double Horizon, double SunU, double SunV, double SunR, bool SunVisible,
        Rgb Top, Rgb Middle, Rgb Low, Rgb AtHorizon, Rgb Sun, Rgb Cloud, Rgb SeaFar, Rgb SeaNear, double Clouds, int Seed);

    public static IEnumerable<DemoScene> Create()
    {
        const string common = "sunset sea sky:0.5 water:0.5 clouds:0.4 landscape:0.3 evening";
        Look[] looks =
        [
            new("orange sunset", "sun orange yellow:0.4", 0.6, 0.5, 0.56, 0.06, true,
                Rgb.Hex("#1c1b45"), Rgb.Hex("#82406e"), Rgb.Hex("#ec7a3c"), Rgb.Hex("#ffc95e"), Rgb.Hex("#fff4c4"), Rgb.Hex("#ff9d6a"),
                Rgb.Hex("#b35a47"), Rgb.Hex("#1e1836"), 0.55, 11),
            new("crimson sunset", "sun red orange:0.5", 0.62, 0.34, 0.62, 0.085, true,
                Rgb.Hex("#2a0d2c"), Rgb.Hex("#8e1c3c"), Rgb.Hex("#e2462a"), Rgb.Hex("#ff8c3a"), Rgb.Hex("#ffd27a"), Rgb.Hex("#c2304a"),
                Rgb.Hex("#9a2f30"), Rgb.Hex("#1d0a1c"), 0.45, 12),
            new("pink dusk", "pink purple sun:0.3", 0.58, 0.62, 0.64, 0.07, false,
                Rgb.Hex("#131640"), Rgb.Hex("#5a3f7d"), Rgb.Hex("#d6789c"), Rgb.Hex("#ffb48c"), Rgb.Hex("#ffe0b0"), Rgb.Hex("#f08cb0"),
                Rgb.Hex("#8a5a86"), Rgb.Hex("#1a1738"), 0.6, 13),
            new("golden hour", "sun yellow orange:0.6", 0.64, 0.68, 0.33, 0.05, true,
                Rgb.Hex("#3d6aa6"), Rgb.Hex("#b89a8a"), Rgb.Hex("#f0b060"), Rgb.Hex("#ffe3a0"), Rgb.Hex("#fffbe6"), Rgb.Hex("#ffd9a0"),
                Rgb.Hex("#c89660"), Rgb.Hex("#22385a"), 0.35, 14),
            new("pastel sunrise", "dawn sun:0.8 pink:0.5 blue:0.3", 0.6, 0.28, 0.585, 0.055, true,
                Rgb.Hex("#5a7bb4"), Rgb.Hex("#a9a3c8"), Rgb.Hex("#f2bfa6"), Rgb.Hex("#fff0c8"), Rgb.Hex("#fffbea"), Rgb.Hex("#f7d0c0"),
                Rgb.Hex("#c8b0b0"), Rgb.Hex("#3a4a70"), 0.4, 15),
        ];
        foreach (var look in looks)
        {
            string tags = look.Name == "pastel sunrise" ? common.Replace("sunset ", "sunset:0.6 ").Replace(" evening", "") : common;
            yield return new DemoScene("sunset over the sea", look.Name, DemoScene.ParseTags(tags + " " + look.Tags), (u, v) => Shade(look, u, v));
        }
    }

    static Rgb SkyAt(Look k, double u, double v)
    {
        double t = v / k.Horizon;
        var c = Ramp(t, (0, k.Top), (0.45, k.Middle), (0.82, k.Low), (1, k.AtHorizon));
        // Warm glow around the sun, wider along the horizon than above it.
        double dx = (u - k.SunU) / 0.35, dy = (v - k.SunV) / 0.18;
        c = c + (k.AtHorizon * 0.45) * Math.Exp(-(dx * dx + dy * dy));
        // Long thin cloud streaks, lit from below on the sun's side.
        double n = Fbm(u * 2.5, v * 11, k.Seed, 4);
        double band = SmoothStep(0.08, 0.3, t) * (1 - SmoothStep(0.8, 0.97, t));
        double alpha = SmoothStep(0.5, 0.72, n) * band * k.Clouds * 1.6;
        double lit = Math.Exp(-((u - k.SunU) * (u - k.SunU)) / 0.12);
        var cloud = Mix(k.Cloud * 0.55 + k.Top * 0.3, k.Cloud, 0.35 + 0.65 * lit);
        c = Mix(c, cloud, Clamp01(alpha));
        if (k.SunVisible)
        {
            double sun = Disc(u, v, k.SunU, k.SunV, k.SunR, 0.004);
            c = Mix(c, k.Sun, sun * (1 - 0.5 * Clamp01(alpha)));
        }
        return c;
    }

    static Rgb Shade(Look k, double u, double v)
    {
        if (v < k.Horizon) return SkyAt(k, u, v);
        double depth = (v - k.Horizon) / (1 - k.Horizon);
        var sea = Mix(k.SeaFar, k.SeaNear, Math.Pow(depth, 0.6));
        // The sky mirrored in the water, darkened, rippled sideways.
        double ripple = (Noise(u * 6, v * 40, k.Seed + 5) - 0.5) * 0.04 * (0.3 + depth);
        double mirrored = Math.Max(0, k.Horizon - (v - k.Horizon) * 1.6);
        sea = Mix(sea, SkyAt(k, u + ripple, mirrored) * 0.55, 0.35 * (1 - depth));
        // The sun's glitter path: a column that widens toward the viewer, broken into horizontal streaks.
        double width = k.SunR * (1.2 + 3.5 * depth);
        double col = Math.Exp(-Math.Pow((u - k.SunU) / width, 2));
        double streak = SmoothStep(0.45, 0.75, Noise(u * 9, v * 34, k.Seed + 7));
        double strength = k.SunVisible ? 1.0 : 0.45;
        sea = sea + k.Sun * (col * (0.25 + 0.75 * streak) * strength * (1 - 0.5 * depth));
        // Gentle swell shading.
        sea = sea * (0.9 + 0.2 * Noise(u * 5, v * 22, k.Seed + 9));
        return sea;
    }
}
