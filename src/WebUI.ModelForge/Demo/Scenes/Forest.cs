using static WebUI.ModelForge.Demo.Scenes.Paint;

namespace WebUI.ModelForge.Demo.Scenes;

/// <summary>Forests: rows of conifers fading into mist, or broad-leaved woods with trunks and canopy.</summary>
static class Forest
{
    sealed record Look(string Name, string Tags, bool Conifers, Rgb SkyTop, Rgb SkyLow, Rgb Near, Rgb Far, Rgb[] Leaves, Rgb Floor, double Mist, int Seed);

    public static IEnumerable<DemoScene> Create()
    {
        const string common = "forest landscape:0.4";
        Look[] looks =
        [
            new("misty pines", "mist green:0.6 mountain:0.2", true, Rgb.Hex("#b8c8d0"), Rgb.Hex("#e0e6e0"), Rgb.Hex("#183a26"), Rgb.Hex("#8aa4a4"), [], Rgb.Hex("#1a3020"), 0.7, 51),
            new("autumn woods", "autumn orange red:0.6 yellow:0.5", false, Rgb.Hex("#f0c890"), Rgb.Hex("#f8e0b0"), Rgb.Hex("#2a1a10"), Rgb.Hex("#b0683a"),
                [Rgb.Hex("#e0601a"), Rgb.Hex("#c83018"), Rgb.Hex("#f0a020"), Rgb.Hex("#a04010")], Rgb.Hex("#8a4a1a"), 0.25, 52),
            new("sunlit green woods", "green day:0.5 summer:0.6 sun:0.3", false, Rgb.Hex("#d8f0c0"), Rgb.Hex("#f0f8e0"), Rgb.Hex("#20180e"), Rgb.Hex("#90b070"),
                [Rgb.Hex("#4a9a2a"), Rgb.Hex("#2e7a1e"), Rgb.Hex("#7ab83a"), Rgb.Hex("#3a8a30")], Rgb.Hex("#4a6a20"), 0.2, 53),
            new("pine ridge", "green:0.8 blue:0.3 sky:0.5 mountain:0.3 day:0.4", true, Rgb.Hex("#4a88d0"), Rgb.Hex("#c8e0f0"), Rgb.Hex("#1c4a26"), Rgb.Hex("#6a9a8a"), [], Rgb.Hex("#142a18"), 0.35, 54),
            new("pines at dusk", "evening:0.8 sunset:0.5 orange:0.5", true, Rgb.Hex("#403a78"), Rgb.Hex("#ff9a50"), Rgb.Hex("#0a0a14"), Rgb.Hex("#6a4a70"), [], Rgb.Hex("#0a0a14"), 0.3, 55),
        ];
        foreach (var look in looks)
            yield return new DemoScene("forest", look.Name, DemoScene.ParseTags(common + " " + look.Tags),
                look.Conifers ? (u, v) => Pines(look, u, v) : (u, v) => Woods(look, u, v));
    }

    // Layers of conifer silhouettes, near to far: the first layer whose tree or ground covers the pixel wins.
    static Rgb Pines(Look k, double u, double v)
    {
        const int layers = 3;
        for (int layer = layers - 1; layer >= 0; layer--)
        {
            double t = layer / (double)(layers - 1);           // 0 far … 1 near
            double baseV = 0.55 + 0.17 * layer + 0.05 * (Noise1(u * 2 + layer, k.Seed + layer) - 0.5);
            double treeW = 0.07 + 0.08 * t;
            double x = u / treeW + layer * 0.37;
            int i = (int)Math.Floor(x);
            double f = x - i;
            double height = (0.2 + 0.25 * t) * (0.6 + 0.4 * Hash01(i, layer, k.Seed));
            double tip = baseV - height;
            // Triangle widening from the tip, with a saw-tooth edge for the branch tiers.
            double along = Clamp01((v - tip) / height);
            double tiers = 0.8 + 0.2 * ((v - tip) / height * 6 - Math.Floor((v - tip) / height * 6));
            bool tree = v > tip && Math.Abs(f - 0.5) < 0.5 * along * tiers;
            if (!tree && v <= baseV) continue;
            var tone = Mix(k.Far, k.Near, Math.Pow(t, 0.8));
            // A little light on the sunward edge of each tree.
            tone = tone * (0.85 + 0.3 * SmoothStep(0.5, 0.1, f) * (tree ? 1 : 0)) * (0.92 + 0.16 * Noise(u * 30, v * 30, k.Seed + layer));
            return Mix(tone, k.SkyLow, k.Mist * (1 - t) * 0.85);
        }
        return Mix(k.SkyTop, k.SkyLow, SmoothStep(0, 0.6, v));
    }

    // Broad-leaved woods: a few near trunks, thinner hazy ones behind, a leafy canopy and floor, light behind.
    static Rgb Woods(Look k, double u, double v)
    {
        var c = Mix(k.SkyTop, k.Far, SmoothStep(0.1, 0.7, v));
        // Far foliage haze.
        double haze = Fbm(u * 6, v * 6, k.Seed + 1, 3);
        c = Mix(c, k.Leaves[(int)(haze * 2.999) % k.Leaves.Length] * 0.6 + k.Far * 0.4, 0.7 * SmoothStep(0.3, 0.6, haze) * (1 - SmoothStep(0.55, 0.8, v)));
        for (int depth = 0; depth < 2; depth++)
        {
            int count = depth == 0 ? 6 : 4;
            for (int i = 0; i < count; i++)
            {
                double centre = (i + 0.15 + 0.7 * Hash01(i, depth, k.Seed)) / count;
                double width = depth == 0 ? 0.008 + 0.01 * Hash01(i, depth, k.Seed + 1) : 0.02 + 0.025 * Hash01(i, depth, k.Seed + 1);
                double lean = 0.04 * (Hash01(i, depth, k.Seed + 2) - 0.5) * (v - 0.5);
                double dx = u - centre - lean;
                if (Math.Abs(dx) >= width) continue;
                var bark = k.Near * (0.8 + 0.3 * Noise(u * 80, v * 6, k.Seed + 5));
                // Rounded trunk: lighter on the side facing the light behind.
                bark = bark + k.SkyLow * (0.2 * SmoothStep(-width, width, dx));
                c = depth == 0 ? Mix(bark, k.Far, 0.45) : bark;
            }
        }
        // Canopy: leafy clusters thinning downward.
        double leaf = Fbm(u * 7, v * 7, k.Seed + 6, 4);
        double cover = 1 - SmoothStep(0.12, 0.5, v);
        double alpha = Clamp01((cover - leaf + 0.1) * 6);
        if (alpha > 0)
        {
            int pick = (int)(Noise(u * 5, v * 5, k.Seed + 7) * k.Leaves.Length * 0.999);
            var lc = k.Leaves[pick] * (0.7 + 0.5 * Noise(u * 24, v * 24, k.Seed + 8));
            c = Mix(c, lc, alpha);
        }
        // Floor of leaves or grass.
        double floor = 0.8 + 0.03 * Noise1(u * 5, k.Seed + 9);
        if (v > floor)
        {
            int pick = (int)(Noise(u * 12, v * 20, k.Seed + 10) * k.Leaves.Length * 0.999);
            c = Mix(k.Floor, k.Leaves[pick], 0.5) * (0.85 + 0.3 * Noise(u * 30, v * 30, k.Seed + 11));
        }
        // Soft light shafts slanting through.
        double shaft = Math.Pow(Math.Max(0, Math.Sin((u + v * 0.45) * 11 + 1)), 3) * SmoothStep(0.9, 0.3, v);
        return c + k.SkyLow * (0.15 * shaft);
    }
}
