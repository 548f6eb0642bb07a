using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using WebUI.Api.Json;
using WebUI.Diffusion.Imaging;

namespace WebUI.Api;

/// <summary>Images in and out of the API: base64 / data URLs in, base64 in the configured format out.</summary>
public static class ApiImages
{
    /// <summary>
    /// The bytes of an image field: raw base64 or a <c>data:image/...;base64,</c> URL. http(s) URLs are refused
    /// (A1111 fetches them; this server never reaches out). Invalid data → 400 "Invalid encoded image".
    /// </summary>
    public static byte[] Decode(string encoded, string field)
    {
        string text = encoded.Trim();
        if (text.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            throw new ApiHttpException(StatusCodes.Status400BadRequest, $"Invalid encoded image: {field} is a URL; this server does not fetch images, send base64 data.");
        if (text.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            int comma = text.IndexOf(',');
            if (comma < 0 || !text[..comma].EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
                throw new ApiHttpException(StatusCodes.Status400BadRequest, $"Invalid encoded image: {field} is a data URL without base64 data.");
            text = text[(comma + 1)..];
        }
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new ApiHttpException(StatusCodes.Status400BadRequest, $"Invalid encoded image: {field} is not valid base64.");
        }
        if (bytes.Length == 0) throw new ApiHttpException(StatusCodes.Status400BadRequest, $"Invalid encoded image: {field} is empty.");
        return bytes;
    }

    /// <summary>Decodes and checks that the bytes are a readable image (PNG, JPEG, WebP or BMP), returning it.</summary>
    public static Image<Rgb24> Load(byte[] bytes, string field)
    {
        try
        {
            return ImageInput.Load(bytes);
        }
        catch (ImageInputException e)
        {
            throw new ApiHttpException(StatusCodes.Status400BadRequest, $"Invalid encoded image: {field}: {e.Message}");
        }
    }

    /// <summary>How pictures are encoded in responses and saved files (A1111 settings samples_format, jpeg_quality, webp_lossless, enable_pnginfo).</summary>
    public sealed record OutputFormat(ImageFileFormat Format, int JpegQuality, bool WebpLossless, bool EmbedInfotext)
    {
        public static OutputFormat Png { get; } = new(ImageFileFormat.Png, 80, false, true);
        public string Extension => PngText.Extension(Format);
    }

    /// <summary>
    /// A finished picture in <paramref name="format"/>: the engine's PNG as it is when that is what is asked for,
    /// otherwise decoded and re-encoded with the infotext embedded as A1111 embeds it for that format.
    /// </summary>
    public static byte[] Encode(byte[] png, string infotext, OutputFormat format)
    {
        if (format.Format == ImageFileFormat.Png && format.EmbedInfotext) return png;
        using var image = Image.Load<Rgb24>(png);
        return PngText.Encode(image, format.EmbedInfotext ? infotext : null, format.Format, format.JpegQuality, format.WebpLossless);
    }
}
