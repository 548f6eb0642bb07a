namespace WebUI.ModelForge.Demo.Scenes;

/// <summary>A linear RGB colour with components in [0, 1] (values outside are clamped only when encoded).</summary>
public readonly record struct Rgb(double R, double G, double B)
{
    public static Rgb operator +(Rgb a, Rgb b) => new(a.R + b.R, a.G + b.G, a.B + b.B);
    public static Rgb operator -(Rgb a, Rgb b) => new(a.R - b.R, a.G - b.G, a.B - b.B);
    public static Rgb operator *(Rgb a, double k) => new(a.R * k, a.G * k, a.B * k);
    public static Rgb operator *(double k, Rgb a) => a * k;
    public static Rgb operator *(Rgb a, Rgb b) => new(a.R * b.R, a.G * b.G, a.B * b.B);

    /// <summary>Parses "#rrggbb" (without allocating: shaders call this per pixel for their fixed colours).</summary>
    public static Rgb Hex(string hex)
    {
        if (hex.Length != 7 || hex[0] != '#') throw new ArgumentException($"Colour '{hex}' is not #rrggbb.", nameof(hex));
        int v = 0;
        for (int i = 1; i < 7; i++) v = v << 4 | HexDigit(hex[i], hex);
        return new(((v >> 16) & 255) / 255.0, ((v >> 8) & 255) / 255.0, (v & 255) / 255.0);
    }

    static int HexDigit(char c, string hex) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => throw new ArgumentException($"Colour '{hex}' is not #rrggbb.", nameof(hex)),
    };

    public static Rgb Gray(double g) => new(g, g, g);
    public static readonly Rgb White = new(1, 1, 1);
    public static readonly Rgb Black = new(0, 0, 0);
}

/// <summary>
/// Shading helpers for the procedural gallery: interpolation, hashing and value noise. Everything is a pure
/// function of its arguments so the gallery (and therefore the model file) is identical on every build.
/// </summary>
public static class Paint
{
    public static double Clamp01(double x) => x < 0 ? 0 : x > 1 ? 1 : x;

    public static double Mix(double a, double b, double t) => a + (b - a) * t;

    public static Rgb Mix(Rgb a, Rgb b, double t) => new(a.R + (b.R - a.R) * t, a.G + (b.G - a.G) * t, a.B + (b.B - a.B) * t);

    public static double SmoothStep(double e0, double e1, double x)
    {
        double t = Clamp01((x - e0) / (e1 - e0));
        return t * t * (3 - 2 * t);
    }

    /// <summary>Piecewise-linear colour ramp over <paramref name="t"/>; stops are (position, colour) with increasing positions.</summary>
    public static Rgb Ramp(double t, params (double At, Rgb Color)[] stops)
    {
        if (t <= stops[0].At) return stops[0].Color;
        for (int i = 1; i < stops.Length; i++)
            if (t <= stops[i].At)
                return Mix(stops[i - 1].Color, stops[i].Color, (t - stops[i - 1].At) / (stops[i].At - stops[i - 1].At));
        return stops[^1].Color;
    }

    /// <summary>A well-mixed 32-bit hash of two integers and a seed.</summary>
    public static uint Hash(int x, int y, int seed)
    {
        unchecked
        {
            uint h = (uint)seed * 0x9E3779B9u + (uint)x * 0x85EBCA6Bu + (uint)y * 0xC2B2AE35u;
            h ^= h >> 16; h *= 0x7FEB352Du;
            h ^= h >> 15; h *= 0x846CA68Bu;
            h ^= h >> 16;
            return h;
        }
    }

    /// <summary>Uniform in [0, 1) from a lattice point.</summary>
    public static double Hash01(int x, int y, int seed) => Hash(x, y, seed) * (1.0 / 4294967296.0);

    /// <summary>Smooth value noise in [0, 1] with unit lattice spacing.</summary>
    public static double Noise(double x, double y, int seed)
    {
        int ix = (int)Math.Floor(x), iy = (int)Math.Floor(y);
        double fx = x - ix, fy = y - iy;
        double sx = fx * fx * (3 - 2 * fx), sy = fy * fy * (3 - 2 * fy);
        double a = Hash01(ix, iy, seed), b = Hash01(ix + 1, iy, seed);
        double c = Hash01(ix, iy + 1, seed), d = Hash01(ix + 1, iy + 1, seed);
        return Mix(Mix(a, b, sx), Mix(c, d, sx), sy);
    }

    /// <summary>1-D smooth value noise in [0, 1].</summary>
    public static double Noise1(double x, int seed) => Noise(x, 0.5, seed);

    /// <summary>Fractal sum of value noise, normalised to [0, 1].</summary>
    public static double Fbm(double x, double y, int seed, int octaves = 4)
    {
        double sum = 0, amp = 1, norm = 0;
        for (int o = 0; o < octaves; o++)
        {
            sum += amp * Noise(x, y, seed + o * 1013);
            norm += amp;
            amp *= 0.5; x *= 2.03; y *= 2.03;
        }
        return sum / norm;
    }

    /// <summary>Ridged 1-D fractal in [0, 1]: sharp peaks where the noise crosses its middle (mountain ridgelines).</summary>
    public static double Ridge(double x, int seed, int octaves = 4)
    {
        double sum = 0, amp = 1, norm = 0;
        for (int o = 0; o < octaves; o++)
        {
            double n = 1 - Math.Abs(2 * Noise1(x, seed + o * 7919) - 1);
            sum += amp * n * n;
            norm += amp;
            amp *= 0.45; x *= 2.1;
        }
        return sum / norm;
    }

    /// <summary>A soft disc: 1 inside radius r, 0 outside, with an edge of width <paramref name="soft"/>.</summary>
    public static double Disc(double u, double v, double cx, double cy, double r, double soft = 0.002)
    {
        double d = Math.Sqrt((u - cx) * (u - cx) + (v - cy) * (v - cy));
        return 1 - SmoothStep(r - soft, r + soft, d);
    }

    /// <summary>Sparse point stars: a jittered grid with one candidate per cell, each about one latent pixel wide.</summary>
    public static double Stars(double u, double v, int seed, double density = 0.25, double cell = 1.0 / 28)
    {
        int cx = (int)Math.Floor(u / cell), cy = (int)Math.Floor(v / cell);
        if (Hash01(cx, cy, seed) > density) return 0;
        double px = (cx + 0.2 + 0.6 * Hash01(cx, cy, seed + 1)) * cell;
        double py = (cy + 0.2 + 0.6 * Hash01(cx, cy, seed + 2)) * cell;
        double bright = 0.4 + 0.6 * Hash01(cx, cy, seed + 3);
        double d = Math.Sqrt((u - px) * (u - px) + (v - py) * (v - py));
        return bright * (1 - SmoothStep(0.004, 0.011, d));
    }
}
