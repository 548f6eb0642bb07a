using static WebUI.ModelForge.Demo.Scenes.Paint;

namespace WebUI.ModelForge.Demo.Scenes;

/// <summary>Sand dunes in overlapping ranks, each with a sharp crest dividing a lit face from a shadowed one.</summary>
static class DesertDunes
{
    sealed record Look(string Name, string Tags, Rgb SkyTop, Rgb SkyLow, Rgb Lit, Rgb Shadow, double Light, int Seed,
        double SunU = -1, double SunV = 0, Rgb Sun = default, double MoonU = -1, double Stars = 0);

    public static IEnumerable<DemoScene> Create()
    {
        const string common = "desert sand landscape:0.3 sky:0.3";
        Look[] looks =
        [
            new("midday dunes", "day orange:0.3 yellow:0.4 blue:0.4 sun:0.5", Rgb.Hex("#1a5cc0"), Rgb.Hex("#b8d8f0"), Rgb.Hex("#f0c070"), Rgb.Hex("#b47838"), 1, 61,
                SunU: 0.82, SunV: 0.12, Sun: Rgb.Hex("#fffff0")),
            new("dunes at sunset", "sunset:0.7 evening:0.7 orange sun", Rgb.Hex("#4a2a60"), Rgb.Hex("#ff9848"), Rgb.Hex("#ff9a4a"), Rgb.Hex("#5a2a3a"), -1, 62,
                SunU: 0.22, SunV: 0.4, Sun: Rgb.Hex("#fff0b0")),
            new("moonlit desert", "night moon stars:0.8 blue:0.4", Rgb.Hex("#040818"), Rgb.Hex("#1a2850"), Rgb.Hex("#7080b0"), Rgb.Hex("#1c2444"), 1, 63,
                MoonU: 0.7, Stars: 0.35),
            new("red dunes", "red orange:0.7 blue:0.4 day:0.5", Rgb.Hex("#3070c8"), Rgb.Hex("#a8c8e8"), Rgb.Hex("#e0683a"), Rgb.Hex("#7a2a20"), -1, 64),
            new("pale dawn dunes", "dawn pink:0.5", Rgb.Hex("#7a90c8"), Rgb.Hex("#ffd8c0"), Rgb.Hex("#f4d4b0"), Rgb.Hex("#a08898"), 1, 65,
                SunU: 0.85, SunV: 0.46, Sun: Rgb.Hex("#fff4e0")),
        ];
        foreach (var look in looks)
            yield return new DemoScene("desert dunes", look.Name, DemoScene.ParseTags(common + " " + look.Tags), (u, v) => Shade(look, u, v));
    }

    static double Crest(Look k, int layer, double u)
    {
        double baseV = 0.5 + 0.12 * layer;
        double amp = 0.07 + 0.045 * layer;
        double f = 1.1 + 0.5 * Hash01(layer, 0, k.Seed);
        double x = u * f + Hash01(layer, 1, k.Seed) * 3;
        // A skewed wave: gentle windward slope, steep slip face.
        double s = 0.5 + 0.5 * Math.Sin(2 * Math.PI * x + 0.8 * Math.Sin(2 * Math.PI * x));
        return baseV - amp * s - 0.02 * Noise1(u * 6, k.Seed + layer);
    }

    static Rgb Shade(Look k, double u, double v)
    {
        // Near ranks hide far ones: the first rank (front to back) the pixel lies under decides its colour.
        for (int layer = 4; layer >= 0; layer--)
        {
            double top = Crest(k, layer, u);
            if (v < top) continue;
            double slope = (Crest(k, layer, u + 0.003) - Crest(k, layer, u - 0.003)) / 0.006;
            double depth = v - top;
            double side = Math.Tanh(8 * slope * k.Light);
            double lit = Clamp01(0.5 + 0.5 * side * Math.Exp(-depth * 5));
            var sand = Mix(k.Shadow, k.Lit, 0.25 + 0.75 * lit);
            // Wind ripples, faint and broad enough to survive the 8× VAE.
            sand = sand * (0.94 + 0.08 * Noise(u * 10 + depth * 20, depth * 30, k.Seed + 7));
            double haze = 0.35 * (1 - layer / 4.0);
            return Mix(sand, k.SkyLow, haze);
        }
        var c = Mix(k.SkyTop, k.SkyLow, SmoothStep(0.0, 0.55, v));
        if (k.Stars > 0) c = c + Rgb.White * Stars(u, v, k.Seed, k.Stars);
        if (k.SunU >= 0)
        {
            double d2 = Math.Pow(u - k.SunU, 2) + Math.Pow(v - k.SunV, 2);
            c = c + k.Sun * (0.35 * Math.Exp(-d2 / 0.03));
            c = Mix(c, k.Sun, Disc(u, v, k.SunU, k.SunV, 0.05, 0.003));
        }
        if (k.MoonU >= 0) c = Mix(c + Rgb.Hex("#203060") * Math.Exp(-(Math.Pow(u - k.MoonU, 2) + Math.Pow(v - 0.2, 2)) / 0.02),
            Rgb.Hex("#f0eee0"), Disc(u, v, k.MoonU, 0.2, 0.05, 0.003));
        return c;
    }
}
