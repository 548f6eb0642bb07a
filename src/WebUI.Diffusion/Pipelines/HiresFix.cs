using WebUI.Diffusion.Imaging;

namespace WebUI.Diffusion.Pipelines;

/// <summary>
/// The hires fix's arithmetic (A1111 StableDiffusionProcessingTxt2Img, a1111-reference §8.4): target size, the latent
/// crop when both resize sides are given, the upscaler choices, fixed-steps img2img for the second pass.
/// </summary>
internal static class HiresFix
{
    /// <summary>Latent upscalers (shared.latent_upscale_modes) by UI name.</summary>
    public static readonly IReadOnlyDictionary<string, LatentResizeMode> LatentUpscalers = new Dictionary<string, LatentResizeMode>(StringComparer.Ordinal)
    {
        ["Latent"] = LatentResizeMode.Bilinear,
        ["Latent (antialiased)"] = LatentResizeMode.BilinearAntialiased,
        ["Latent (bicubic)"] = LatentResizeMode.Bicubic,
        ["Latent (bicubic antialiased)"] = LatentResizeMode.BicubicAntialiased,
        ["Latent (nearest)"] = LatentResizeMode.Nearest,
        ["Latent (nearest-exact)"] = LatentResizeMode.NearestExact,
    };

    /// <summary>Image upscalers this engine has (A1111's built-in non-network ones).</summary>
    public static readonly IReadOnlyList<string> ImageUpscalers = ["None", "Lanczos", "Nearest"];

    /// <summary>Every hires upscaler name in A1111's UI order.</summary>
    public static IReadOnlyList<string> UpscalerNames { get; } = [.. LatentUpscalers.Keys, .. ImageUpscalers];

    /// <summary>Checks an upscaler name (A1111: "could not find upscaler named X").</summary>
    public static void CheckUpscaler(string? name)
    {
        if (name is null || LatentUpscalers.ContainsKey(name) || ImageUpscalers.Contains(name)) return;
        throw new ArgumentException($"Could not find upscaler named {name}. Available: {string.Join(", ", UpscalerNames)}.");
    }

    /// <summary>
    /// calculate_target_resolution: the size the first pass is upscaled to and how many latent pixels are cut off
    /// afterwards (only when both resize sides are given and the aspect differs). The picture is
    /// (UpscaleWidth − 8·TruncateX) × (UpscaleHeight − 8·TruncateY), rounded down to latent pixels.
    /// </summary>
    public readonly record struct Target(int UpscaleWidth, int UpscaleHeight, int TruncateX, int TruncateY, KeyValuePair<string, object?> Infotext)
    {
        public int LatentWidth => UpscaleWidth / 8 - TruncateX;
        public int LatentHeight => UpscaleHeight / 8 - TruncateY;
    }

    public static Target TargetOf(GenerationRequest r)
    {
        int W = r.Width, H = r.Height;
        if (r.HrResizeX == 0 && r.HrResizeY == 0)
            return new((int)(W * r.HrScale), (int)(H * r.HrScale), 0, 0, new("Hires upscale", r.HrScale));
        var key = new KeyValuePair<string, object?>("Hires resize", $"{r.HrResizeX}x{r.HrResizeY}");
        if (r.HrResizeY == 0) return new(r.HrResizeX, r.HrResizeX * H / W, 0, 0, key);
        if (r.HrResizeX == 0) return new(r.HrResizeY * W / H, r.HrResizeY, 0, 0, key);
        double srcRatio = (double)W / H, dstRatio = (double)r.HrResizeX / r.HrResizeY;
        int ux, uy;
        if (srcRatio < dstRatio) { ux = r.HrResizeX; uy = r.HrResizeX * H / W; }
        else { ux = r.HrResizeY * W / H; uy = r.HrResizeY; }
        return new(ux, uy, FloorDiv(ux - r.HrResizeX, 8), FloorDiv(uy - r.HrResizeY, 8), key);
    }

    static int FloorDiv(int a, int b) => (int)Math.Floor((double)a / b);

    /// <summary>The latent crop of sample_hr_pass: truncate//2 off the top/left, (truncate + 1)//2 off the bottom/right.</summary>
    public static float[] Truncate(float[] chw, int channels, int height, int width, int truncateY, int truncateX)
    {
        if (truncateX == 0 && truncateY == 0) return chw;
        int top = FloorDiv(truncateY, 2), left = FloorDiv(truncateX, 2);
        int h = height - truncateY, w = width - truncateX;
        var output = new float[channels * h * w];
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < h; y++)
                chw.AsSpan((c * height + top + y) * width + left, w).CopyTo(output.AsSpan((c * h + y) * w, w));
        return output;
    }

    /// <summary>
    /// images.resize_image(0, image, W, H, upscaler_name): "None" resizes with Lanczos; "Lanczos"/"Nearest" first scale by
    /// max(W/w, H/h) with that filter when it enlarges, then Lanczos to the exact size if needed. RGB interleaved.
    /// </summary>
    public static byte[] UpscaleImage(byte[] rgb, int width, int height, int targetWidth, int targetHeight, string upscaler)
    {
        if (upscaler == "None") return PilResample.Resize(rgb, 3, width, height, targetWidth, targetHeight, PilFilter.Lanczos);
        double scale = Math.Max((double)targetWidth / width, (double)targetHeight / height);
        if (scale > 1.0)
        {
            int sw = (int)(width * scale), sh = (int)(height * scale);
            rgb = upscaler == "Nearest"
                ? PilResample.Nearest(rgb, 3, width, height, sw, sh)
                : PilResample.Resize(rgb, 3, width, height, sw, sh, PilFilter.Lanczos);
            (width, height) = (sw, sh);
        }
        return width == targetWidth && height == targetHeight ? rgb
            : PilResample.Resize(rgb, 3, width, height, targetWidth, targetHeight, PilFilter.Lanczos);
    }

    /// <summary>
    /// setup_img2img_steps in fixed-steps mode (always used for the hires pass): a schedule of ⌊r / min(d, 0.999)⌋ steps
    /// of which the last r run; returns that many steps' schedule length for the plan.
    /// </summary>
    public static int ScheduleSteps(int requestedSteps, double strength) => (int)(requestedSteps / Math.Min(strength, 0.999));
}
