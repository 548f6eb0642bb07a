using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using WebUI.Diffusion.Pipelines;
using ResizeMode = WebUI.Diffusion.Pipelines.ResizeMode;

namespace WebUI.Diffusion.Imaging;

/// <summary>
/// The one way user images enter the engine (init images, masks, png-info uploads): untrusted bytes are identified
/// before any pixel is decoded, limited in size and format, oriented by EXIF and flattened onto white as A1111 does.
/// </summary>
public static class ImageInput
{
    /// <summary>Only these decoders exist in the configuration used for untrusted input.</summary>
    static readonly Configuration Decoders = new(
        new PngConfigurationModule(), new JpegConfigurationModule(), new WebpConfigurationModule(), new BmpConfigurationModule());

    /// <summary>
    /// Decodes a PNG, JPEG, WebP or BMP file into RGB: refuses anything else and anything above
    /// <paramref name="maxPixels"/> (width × height × frames) before decoding, applies the EXIF orientation
    /// (PIL ImageOps.exif_transpose) and composites transparent pixels onto white (img2img_background_color #ffffff).
    /// </summary>
    /// <exception cref="ImageInputException">Empty, unknown format, too large, or corrupt data (the message says which).</exception>
    public static Image<Rgb24> Load(byte[] bytes, long maxPixels = 64_000_000)
    {
        using var rgba = LoadRgba(bytes, maxPixels);
        return FlattenOnWhite(rgba);
    }

    /// <summary>
    /// An inpainting mask as A1111's create_binary_mask reads it: an image with real transparency gives its alpha
    /// channel (thresholded to 0/255 at &gt; 128 when <paramref name="round"/>), any other image its luminance
    /// (Pillow's convert("L"): (299·R + 587·G + 114·B)/1000 in 16-bit fixed point). White = area to repaint.
    /// Same format and size checks as <see cref="Load"/>, EXIF orientation applied so it lines up with the init image.
    /// </summary>
    public static GrayImage LoadMask(byte[] bytes, bool round = true, long maxPixels = 64_000_000)
    {
        using var rgba = LoadRgba(bytes, maxPixels);
        int w = rgba.Width, h = rgba.Height;
        var pixels = new Rgba32[w * h];
        rgba.CopyPixelDataTo(pixels);
        bool alpha = false;
        foreach (var p in pixels) if (p.A != 255) { alpha = true; break; }
        var gray = new byte[w * h];
        for (int i = 0; i < pixels.Length; i++)
        {
            var p = pixels[i];
            gray[i] = alpha ? (round ? (p.A > 128 ? (byte)255 : (byte)0) : p.A)
                : (byte)((p.R * 19595 + p.G * 38470 + p.B * 7471 + 0x8000) >> 16);
        }
        return new GrayImage(gray, w, h);
    }

    static Image<Rgba32> LoadRgba(byte[] bytes, long maxPixels)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length == 0) throw new ImageInputException("The image is empty (0 bytes).");
        string container = ImageFormats.Detect(bytes);

        IImageInfo? info;
        IImageFormat? format;
        try
        {
            info = Image.Identify(Decoders, bytes, out format);
        }
        catch (Exception e) when (IsDecodeFailure(e))
        {
            throw new ImageInputException($"The {Name(container)} image is corrupt or truncated: {e.Message}", e);
        }
        if (info is null || format is null)
        {
            throw new ImageInputException(container is "" or "PNG" or "JPEG" or "WEBP" or "BMP"
                ? "The data is not an image this server reads (expected PNG, JPEG, WebP or BMP)."
                : $"{container} images are not supported (expected PNG, JPEG, WebP or BMP).");
        }
        if (info.Width <= 0 || info.Height <= 0)
            throw new ImageInputException($"The {format.Name} image declares an invalid size {info.Width}x{info.Height}.");
        long frames = container == "WEBP" ? Math.Max(1, WebpChunks.FrameCount(bytes)) : 1;
        long pixels = (long)info.Width * info.Height;
        if (pixels > maxPixels || pixels * frames > maxPixels)
        {
            string what = frames > 1 ? $"{info.Width}x{info.Height} with {frames} frames" : $"{info.Width}x{info.Height}";
            throw new ImageInputException(
                $"The {format.Name} image is {what} ({pixels * frames:N0} pixels), above the limit of {maxPixels:N0} pixels.");
        }

        try
        {
            var rgba = Image.Load<Rgba32>(Decoders, bytes);
            try { rgba.Mutate(x => x.AutoOrient()); }
            catch { rgba.Dispose(); throw; }
            return rgba;
        }
        catch (Exception e) when (IsDecodeFailure(e))
        {
            throw new ImageInputException($"The {format.Name} image is corrupt or truncated: {e.Message}", e);
        }
    }

    // Hostile bytes can make a decoder fail in many ways (bad content, index/overflow errors, refused allocations);
    // all of them mean "this upload is unusable". Only cancellation and out-of-memory of the process pass through.
    static bool IsDecodeFailure(Exception e) => e is not (OperationCanceledException or OutOfMemoryException);

    static string Name(string container) => container switch { "" => "", "WEBP" => "WebP", _ => container };

    /// <summary>
    /// images.flatten: paste the image onto an opaque white canvas using its alpha as mask, with PIL's integer blend
    /// (a/255 rounding via ((t &gt;&gt; 8) + t) &gt;&gt; 8). Opaque pixels come out unchanged.
    /// </summary>
    static Image<Rgb24> FlattenOnWhite(Image<Rgba32> src)
    {
        int w = src.Width, h = src.Height;
        var pixels = new Rgba32[w * h];
        src.CopyPixelDataTo(pixels);
        var rgb = new byte[w * h * 3];
        for (int i = 0; i < pixels.Length; i++)
        {
            var p = pixels[i];
            rgb[i * 3] = Blend(255, p.R, p.A);
            rgb[i * 3 + 1] = Blend(255, p.G, p.A);
            rgb[i * 3 + 2] = Blend(255, p.B, p.A);
        }
        return Image.LoadPixelData<Rgb24>(rgb, w, h);
    }

    static byte Blend(int background, int value, int alpha)
    {
        int t = background * (255 - alpha) + value * alpha + 128;
        return (byte)(((t >> 8) + t) >> 8);
    }

    /// <summary>
    /// A1111's images.resize_image with the default img2img upscaler (Lanczos, as Pillow computes it):
    /// 0 Just resize (stretch), 1 Crop and resize (cover, centered, cropped), 2 Resize and fill (fit, centered, empty
    /// bands filled by stretching the outermost rows/columns), 3 Latent upscale (unchanged here: the engine encodes at the
    /// image's own size and interpolates the latent, see <see cref="LatentImage.ResizeBilinear"/>). Returns a new image.
    /// </summary>
    public static Image<Rgb24> Resize(Image<Rgb24> src, int width, int height, ResizeMode mode)
    {
        ArgumentNullException.ThrowIfNull(src);
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"Target size {width}x{height} must be positive.");
        if (mode == ResizeMode.LatentUpscale) return src.Clone();
        if (!Enum.IsDefined(mode)) throw new ArgumentOutOfRangeException(nameof(mode), $"Unknown resize mode {(int)mode}.");
        var pixels = new byte[src.Width * src.Height * 3];
        src.CopyPixelDataTo(pixels);
        return Image.LoadPixelData<Rgb24>(ResizePixels(pixels, 3, src.Width, src.Height, width, height, mode), width, height);
    }

    /// <summary>
    /// <see cref="Resize(Image{Rgb24}, int, int, ResizeMode)"/> on raw interleaved pixels of 1–4 channels (masks are 1).
    /// Mode 3 behaves as A1111's resize_image does for it: like mode 2 (its "else" branch).
    /// </summary>
    internal static byte[] ResizePixels(byte[] pixels, int channels, int iw, int ih, int width, int height, ResizeMode mode)
    {
        switch (mode)
        {
            case ResizeMode.JustResize:
                return PilResample.Resize(pixels, channels, iw, ih, width, height, PilFilter.Lanczos);
            case ResizeMode.CropAndResize:
            {
                double ratio = width / (double)height, srcRatio = iw / (double)ih;
                int sw = ratio > srcRatio ? width : Math.Max(1, (int)((long)iw * height / ih));
                int sh = ratio <= srcRatio ? height : Math.Max(1, (int)((long)ih * width / iw));
                var resized = PilResample.Resize(pixels, channels, iw, ih, sw, sh, PilFilter.Lanczos);
                var result = new byte[width * height * channels];
                Paste(result, width, height, resized, sw, sh, width / 2 - sw / 2, height / 2 - sh / 2, channels);
                return result;
            }
            default:
                return ResizeAndFill(pixels, channels, iw, ih, width, height);
        }
    }

    static byte[] ResizeAndFill(byte[] pixels, int channels, int iw, int ih, int width, int height)
    {
        double ratio = width / (double)height, srcRatio = iw / (double)ih;
        int sw = ratio < srcRatio ? width : Math.Max(1, (int)((long)iw * height / ih));
        int sh = ratio >= srcRatio ? height : Math.Max(1, (int)((long)ih * width / iw));
        var resized = PilResample.Resize(pixels, channels, iw, ih, sw, sh, PilFilter.Lanczos);
        var result = new byte[width * height * channels];
        Paste(result, width, height, resized, sw, sh, width / 2 - sw / 2, height / 2 - sh / 2, channels);

        if (ratio < srcRatio)
        {
            int fill = height / 2 - sh / 2;
            if (fill > 0)
            {
                // A zero-height source box: Pillow's Lanczos taps the three rows nearest that edge.
                var top = PilResample.Resize(resized, channels, sw, sh, width, fill, 0, 0, width, 0, PilFilter.Lanczos);
                Paste(result, width, height, top, width, fill, 0, 0, channels);
                var bottom = PilResample.Resize(resized, channels, sw, sh, width, fill, 0, sh, width, sh, PilFilter.Lanczos);
                Paste(result, width, height, bottom, width, fill, 0, fill + sh, channels);
            }
        }
        else if (ratio > srcRatio)
        {
            int fill = width / 2 - sw / 2;
            if (fill > 0)
            {
                var left = PilResample.Resize(resized, channels, sw, sh, fill, height, 0, 0, 0, height, PilFilter.Lanczos);
                Paste(result, width, height, left, fill, height, 0, 0, channels);
                var right = PilResample.Resize(resized, channels, sw, sh, fill, height, sw, 0, sw, height, PilFilter.Lanczos);
                Paste(result, width, height, right, fill, height, fill + sw, 0, channels);
            }
        }
        return result;
    }

    /// <summary>PIL paste at (x, y), clipped to the destination.</summary>
    internal static void Paste(byte[] dst, int dw, int dh, byte[] src, int sw, int sh, int x, int y, int channels = 3)
    {
        int x0 = Math.Max(0, x), y0 = Math.Max(0, y);
        int x1 = Math.Min(dw, x + sw), y1 = Math.Min(dh, y + sh);
        if (x1 <= x0 || y1 <= y0) return;
        int count = (x1 - x0) * channels;
        for (int yy = y0; yy < y1; yy++)
            Buffer.BlockCopy(src, ((yy - y) * sw + (x0 - x)) * channels, dst, (yy * dw + x0) * channels, count);
    }
}
