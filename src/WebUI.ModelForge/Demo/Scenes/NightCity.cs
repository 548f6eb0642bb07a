using static WebUI.ModelForge.Demo.Scenes.Paint;

namespace WebUI.ModelForge.Demo.Scenes;

/// <summary>A city skyline at night: two rows of towers with lit windows, neon bands, a glowing sky, maybe a harbour.</summary>
static class NightCity
{
    sealed record Look(string Name, string Tags, Rgb SkyTop, Rgb SkyGlow, Rgb Window, Rgb Neon1, Rgb Neon2, Rgb Tower,
        double WindowDensity, bool Water, int Seed, double MoonU = -1);

    sealed record Tower(double Left, double Right, double Top, Rgb Body, Rgb Window, bool Neon, Rgb NeonColor, double NeonV, int Id);

    public static IEnumerable<DemoScene> Create()
    {
        const string common = "city night lights neon:0.5 sky:0.3";
        Look[] looks =
        [
            new("neon purple", "neon purple pink:0.6", Rgb.Hex("#0a0620"), Rgb.Hex("#a03a8a"), Rgb.Hex("#ffd9f0"), Rgb.Hex("#ff4fd8"), Rgb.Hex("#4ff0ff"),
                Rgb.Hex("#140c26"), 0.42, false, 31),
            new("harbour moon", "moon blue water:0.6", Rgb.Hex("#030918"), Rgb.Hex("#1e3c6e"), Rgb.Hex("#ffd27a"), Rgb.Hex("#ffb050"), Rgb.Hex("#7ad0ff"),
                Rgb.Hex("#0c1426"), 0.35, true, 32, MoonU: 0.78),
            new("sodium glow", "orange yellow:0.4", Rgb.Hex("#0b0a18"), Rgb.Hex("#c4642a"), Rgb.Hex("#ffb347"), Rgb.Hex("#ff7a2a"), Rgb.Hex("#ffd060"),
                Rgb.Hex("#1a1010"), 0.5, false, 33),
            new("cyan waterfront", "neon turquoise blue:0.5 water:0.6", Rgb.Hex("#02121a"), Rgb.Hex("#0f5a6a"), Rgb.Hex("#d8fbff"), Rgb.Hex("#30f0ff"), Rgb.Hex("#2a80ff"),
                Rgb.Hex("#071a22"), 0.38, true, 34),
            new("blue hour", "evening:0.8 blue:0.5 night:0.6", Rgb.Hex("#1a2a5c"), Rgb.Hex("#e08866"), Rgb.Hex("#ffe0a0"), Rgb.Hex("#ff9a60"), Rgb.Hex("#a0c8ff"),
                Rgb.Hex("#202848"), 0.3, false, 35),
        ];
        foreach (var look in looks)
        {
            var towers = Towers(look);
            yield return new DemoScene("night city skyline", look.Name, DemoScene.ParseTags(common + " " + look.Tags), (u, v) => Shade(look, towers, u, v));
        }
    }

    // Two rows: a taller, hazier back row and a front row; widths and heights from the look's seed.
    static List<Tower>[] Towers(Look k)
    {
        var rows = new List<Tower>[2];
        for (int row = 0; row < 2; row++)
        {
            rows[row] = [];
            double u = -0.02;
            int i = 0;
            while (u < 1.02)
            {
                double w = 0.05 + 0.08 * Hash01(i, row, k.Seed);
                double top = row == 0 ? 0.22 + 0.3 * Hash01(i, row, k.Seed + 1) : 0.45 + 0.22 * Hash01(i, row, k.Seed + 1);
                var body = k.Tower * (row == 0 ? 1.5 : 1.0);
                bool neon = Hash01(i, row, k.Seed + 2) < 0.3;
                var neonColor = Hash01(i, row, k.Seed + 3) < 0.5 ? k.Neon1 : k.Neon2;
                rows[row].Add(new Tower(u, u + w, top, body, k.Window * (row == 0 ? 0.55 : 1.0), neon, neonColor, top + 0.03 + 0.05 * Hash01(i, row, k.Seed + 4), i * 2 + row));
                u += w + (row == 0 ? 0.0 : 0.006);
                i++;
            }
        }
        return rows;
    }

    static Rgb Shade(Look k, List<Tower>[] rows, double u, double v)
    {
        double waterline = k.Water ? 0.76 : 2;
        if (v > waterline)
        {
            // Harbour: the skyline mirrored and rippled, darkened and tinted by the sky.
            double mirror = waterline - (v - waterline) * 1.3;
            double ripple = (Noise(u * 4, v * 60, k.Seed + 8) - 0.5) * 0.03;
            var reflected = Scene(k, rows, u + ripple, mirror);
            double streak = 0.75 + 0.25 * Noise(u * 3, v * 80, k.Seed + 9);
            return Mix(k.SkyTop * 0.8, reflected, 0.6 * streak);
        }
        return Scene(k, rows, u, v);
    }

    static Rgb Scene(Look k, List<Tower>[] rows, double u, double v)
    {
        // Sky: dark above, light-polluted glow toward the horizon.
        var c = Mix(k.SkyTop, k.SkyGlow, Math.Pow(SmoothStep(0.05, 0.8, v), 1.6));
        c = c + Rgb.White * (Stars(u, v, k.Seed, 0.12) * (1 - SmoothStep(0.1, 0.45, v)));
        if (k.MoonU >= 0) c = Mix(c + Rgb.Hex("#304060") * Math.Exp(-(Math.Pow(u - k.MoonU, 2) + Math.Pow(v - 0.16, 2)) / 0.01),
            Rgb.Hex("#f8f4e0"), Disc(u, v, k.MoonU, 0.16, 0.04, 0.003));
        for (int row = 0; row < 2; row++)
        {
            foreach (var t in rows[row])
            {
                if (u < t.Left || u >= t.Right || v < t.Top) continue;
                var body = t.Body;
                // Window grid: cells of 2 latent pixels, lit windows one latent pixel wide, more lit lower down.
                double cell = 1.0 / 32;
                int cx = (int)Math.Floor((u - t.Left) / cell), cy = (int)Math.Floor((v - t.Top) / cell);
                double fx = (u - t.Left) / cell - cx, fy = (v - t.Top) / cell - cy;
                bool inWindow = fx > 0.3 && fx < 0.75 && fy > 0.3 && fy < 0.75 && (u - t.Left) > 0.008 && (t.Right - u) > 0.008;
                if (inWindow && Hash01(cx, cy, k.Seed * 131 + t.Id) < k.WindowDensity)
                    body = t.Window * (0.7 + 0.3 * Hash01(cx, cy, t.Id + 7));
                if (t.Neon && v > t.NeonV && v < t.NeonV + 0.025 && (u - t.Left) > 0.006 && (t.Right - u) > 0.006)
                    body = t.NeonColor;
                // Back row is hazier (the glow shows through), front row is darker.
                c = row == 0 ? Mix(body, k.SkyGlow, 0.25) : body;
            }
        }
        // Street glow at the very bottom.
        c = c + k.Neon1 * (0.25 * SmoothStep(0.8, 1.0, v));
        return c;
    }
}
