using static WebUI.ModelForge.Demo.Scenes.Paint;

namespace WebUI.ModelForge.Demo.Scenes;

/// <summary>Rolling countryside hills under a big sky with cumulus clouds: green, golden, evening, rainbow, lone tree.</summary>
static class GreenHills
{
    sealed record Look(string Name, string Tags, Rgb SkyTop, Rgb SkyLow, Rgb Far, Rgb Near, Rgb CloudLit, Rgb CloudShade,
        double Clouds, int Seed, double Warm = 0, bool Rainbow = false, bool Tree = false);

    public static IEnumerable<DemoScene> Create()
    {
        const string common = "hills grass sky:0.6 clouds:0.6 landscape:0.5 field:0.3";
        Look[] looks =
        [
            new("green hills", "green blue:0.5 day:0.6 summer:0.5 spring:0.5", Rgb.Hex("#1a58c8"), Rgb.Hex("#a0ccf4"), Rgb.Hex("#5aa040"), Rgb.Hex("#3e9a1a"),
                Rgb.Gray(1.0), Rgb.Hex("#b8c4d8"), 0.7, 91),
            new("golden wheat hills", "wheat yellow orange:0.3 summer:0.6 day:0.5 green:0.2", Rgb.Hex("#2a68c8"), Rgb.Hex("#b0d4f0"), Rgb.Hex("#c8a850"), Rgb.Hex("#e0b040"),
                Rgb.Gray(1.0), Rgb.Hex("#c0c8d8"), 0.45, 92),
            new("hills at evening", "evening sunset:0.4 green:0.6 orange:0.4", Rgb.Hex("#5060a8"), Rgb.Hex("#ffc890"), Rgb.Hex("#5a7a40"), Rgb.Hex("#4a7a20"),
                Rgb.Hex("#ffd8b0"), Rgb.Hex("#a08090"), 0.5, 93, Warm: 0.5),
            new("rainbow over hills", "rainbow green storm:0.3 gray:0.3", Rgb.Hex("#5a6a80"), Rgb.Hex("#c0c8d0"), Rgb.Hex("#4a8a3a"), Rgb.Hex("#3a8a20"),
                Rgb.Gray(0.9), Rgb.Hex("#707884"), 0.6, 94, Rainbow: true),
            new("lone tree", "green forest:0.4 blue:0.5 day:0.5 summer:0.5", Rgb.Hex("#2a6ad0"), Rgb.Hex("#b8dcf8"), Rgb.Hex("#6aa848"), Rgb.Hex("#48a024"),
                Rgb.Gray(1.0), Rgb.Hex("#b8c4d8"), 0.4, 95, Tree: true),
        ];
        foreach (var look in looks)
            yield return new DemoScene("green hills", look.Name, DemoScene.ParseTags(common + " " + look.Tags), (u, v) => Shade(look, u, v));
    }

    static Rgb Sky(Look k, double u, double v)
    {
        var c = Mix(k.SkyTop, k.SkyLow, SmoothStep(0, 0.6, v));
        if (k.Warm > 0) c = c + Rgb.Hex("#ff9040") * (k.Warm * 0.5 * Math.Exp(-(Math.Pow(u - 0.75, 2) + Math.Pow(v - 0.55, 2) * 4) / 0.05));
        if (k.Rainbow)
        {
            double r = Math.Sqrt(Math.Pow(u - 0.45, 2) + Math.Pow(v - 0.95, 2));
            double t = (r - 0.55) / 0.07;                     // 0 = inner violet edge, 1 = outer red edge
            if (t > 0 && t < 1)
            {
                var band = Ramp(t, (0, Rgb.Hex("#8040c0")), (0.2, Rgb.Hex("#3050ff")), (0.4, Rgb.Hex("#30c040")),
                    (0.6, Rgb.Hex("#ffe030")), (0.8, Rgb.Hex("#ff8020")), (1, Rgb.Hex("#ff2020")));
                c = Mix(c, band, 0.6 * Math.Sin(Math.PI * t));
            }
        }
        // Cumulus: bright tops, shaded bases.
        double n = Fbm(u * 3.2, v * 5.5, k.Seed, 5);
        double cloud = Clamp01(SmoothStep(0.52, 0.66, n) * k.Clouds * 1.8 * (1 - SmoothStep(0.3, 0.55, v)));
        double baseShade = SmoothStep(0.55, 0.75, Noise(u * 4, v * 9 + 0.5, k.Seed + 1)) * 0.6 + SmoothStep(0.2, 0.45, v) * 0.4;
        return Mix(c, Mix(k.CloudLit, k.CloudShade, baseShade), cloud);
    }

    static Rgb Shade(Look k, double u, double v)
    {
        // Three hill lines; the nearer the hill, the brighter and more saturated.
        double h0 = 0.55 + 0.05 * Math.Sin(u * 4.0 + k.Seed) + 0.03 * Noise1(u * 5, k.Seed + 2);
        double h1 = 0.64 + 0.09 * Math.Sin(u * 2.6 + k.Seed * 0.7 + 1) + 0.02 * Noise1(u * 4, k.Seed + 3);
        double h2 = 0.8 + 0.08 * Math.Sin(u * 1.9 + k.Seed * 1.3 + 2);
        if (k.Tree)
        {
            // A round crown on a short trunk standing on the middle hill.
            double tx = 0.62, ty = 0.64 + 0.09 * Math.Sin(tx * 2.6 + k.Seed * 0.7 + 1) + 0.02 * Noise1(tx * 4, k.Seed + 3);
            if (Math.Abs(u - tx) < 0.012 && v > ty - 0.12 && v < ty + 0.01) return Rgb.Hex("#3a2a1a");
            double crown = Disc(u, v, tx, ty - 0.17, 0.085, 0.004) * (0.8 + 0.2 * Noise(u * 30, v * 30, k.Seed + 4));
            if (crown > 0.5) return Rgb.Hex("#2a6a1a") * (0.7 + 0.5 * Clamp01((tx + 0.05 - u) * 8 + (ty - 0.17 - v) * 4));
        }
        if (v < h0) return Sky(k, u, v);
        Rgb hill;
        double top;
        if (v < h1) { hill = Mix(k.Far, k.SkyLow, 0.35); top = h0; }
        else if (v < h2) { hill = Mix(k.Far, k.Near, 0.5); top = h1; }
        else { hill = k.Near; top = h2; }
        // Light on the crest, a little shadow lower down, and soft grass texture.
        double crestLight = 1.1 - 0.25 * SmoothStep(0, 0.12, v - top);
        return hill * crestLight * (0.92 + 0.12 * Noise(u * 16, v * 16, k.Seed + 5));
    }
}
