using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace WebUI.Diffusion.Imaging;

/// <summary>Output file formats A1111 offers for samples (opts.samples_format).</summary>
public enum ImageFileFormat { Png, Jpeg, Webp }

/// <summary>
/// Encodes images with the infotext embedded the way A1111 (PIL + piexif) does, and reads it back from any of them.
/// PNG: a <c>parameters</c> text chunk, tEXt when the text is Latin-1, otherwise uncompressed iTXt, never zTXt.
/// JPEG/WebP: an EXIF block with only UserComment = "UNICODE\0" + UTF-16BE.
/// </summary>
public static class PngText
{
    /// <summary>PNG with a <c>parameters</c> chunk holding <paramref name="parameters"/> (none when null).</summary>
    public static byte[] EncodePng(Image<Rgb24> image, string? parameters) =>
        EncodePng(image, parameters is null ? [] : [new KeyValuePair<string, string>("parameters", parameters)]);

    /// <summary>PNG with one text chunk per entry, in order (A1111 also carries over other text keys of an input image).</summary>
    public static byte[] EncodePng(Image<Rgb24> image, IEnumerable<KeyValuePair<string, string>> texts)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(texts);
        var chunks = texts.Select(t => TextChunk(t.Key, t.Value)).ToList();
        var encoder = new PngEncoder
        {
            ColorType = PngColorType.Rgb,
            BitDepth = PngBitDepth.Bit8,
            // Text is inserted by hand below; no pHYs/gAMA/eXIf either, like a PIL-written sample.
            ChunkFilter = PngChunkFilter.ExcludeAll,
            TextCompressionThreshold = int.MaxValue,
        };
        using var ms = new MemoryStream();
        image.Save(ms, encoder);
        byte[] png = ms.ToArray();
        return chunks.Count == 0 ? png : PngChunks.InsertBeforeIdat(png, chunks);
    }

    /// <summary>PIL's PngInfo.add_text: tEXt if keyword and text are Latin-1, else iTXt (flag 0, empty language/translation).</summary>
    static byte[] TextChunk(string keyword, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrEmpty(keyword) || keyword.Length > 79 || keyword.Any(c => c > 0xFF || c == 0))
            throw new ArgumentException($"Invalid PNG text keyword \"{keyword}\" (1-79 Latin-1 characters, no NUL).", nameof(keyword));
        byte[] key = Encoding.Latin1.GetBytes(keyword);
        if (text.All(c => c <= 0xFF))
        {
            var data = new byte[key.Length + 1 + text.Length];
            key.CopyTo(data, 0);
            Encoding.Latin1.GetBytes(text, 0, text.Length, data, key.Length + 1);
            return PngChunks.Chunk("tEXt", data);
        }
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        var itxt = new byte[key.Length + 5 + utf8.Length];
        key.CopyTo(itxt, 0); // then NUL, compression flag 0, method 0, empty language NUL, empty translated keyword NUL
        utf8.CopyTo(itxt, key.Length + 5);
        return PngChunks.Chunk("iTXt", itxt);
    }

    /// <summary>JPEG (PIL-like quality, 4:2:0) with the piexif UserComment block when <paramref name="parameters"/> is not null.</summary>
    public static byte[] EncodeJpeg(Image<Rgb24> image, string? parameters, int quality = 80)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (quality is < 1 or > 100) throw new ArgumentOutOfRangeException(nameof(quality), "JPEG quality must be 1..100.");
        if (image.Width > 65535 || image.Height > 65535)
            throw new ArgumentException($"A JPEG cannot be {image.Width}x{image.Height} (limit 65535 per side); save as PNG.");
        using var ms = new MemoryStream();
        using (var clean = image.Clone())
        {
            clean.Metadata.ExifProfile = null; // the only EXIF is the one written below
            clean.Metadata.XmpProfile = null;
            clean.Metadata.IccProfile = null;
            clean.Save(ms, new JpegEncoder { Quality = quality });
        }
        byte[] jpeg = ms.ToArray();
        return parameters is null ? jpeg : JpegSegments.InsertExif(jpeg, ExifUserComment.BuildTiff(parameters));
    }

    /// <summary>WebP (lossy at <paramref name="quality"/> or lossless) with the UserComment EXIF chunk when parameters is not null.</summary>
    public static byte[] EncodeWebp(Image<Rgb24> image, string? parameters, bool lossless = false, int quality = 80)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (quality is < 1 or > 100) throw new ArgumentOutOfRangeException(nameof(quality), "WebP quality must be 1..100.");
        if (image.Width > 16383 || image.Height > 16383)
            throw new ArgumentException($"A WebP cannot be {image.Width}x{image.Height} (limit 16383 per side); save as PNG.");
        using var ms = new MemoryStream();
        using (var clean = image.Clone())
        {
            clean.Metadata.ExifProfile = null;
            clean.Metadata.XmpProfile = null;
            clean.Metadata.IccProfile = null;
            clean.Save(ms, new WebpEncoder
            {
                FileFormat = lossless ? WebpFileFormatType.Lossless : WebpFileFormatType.Lossy,
                Quality = quality,
            });
        }
        byte[] webp = ms.ToArray();
        return parameters is null ? webp : WebpChunks.InsertExif(webp, ExifUserComment.BuildTiff(parameters), image.Width, image.Height);
    }

    /// <summary>Encodes in <paramref name="format"/> with the infotext embedded as A1111 does for that format.</summary>
    public static byte[] Encode(Image<Rgb24> image, string? parameters, ImageFileFormat format, int quality = 80, bool webpLossless = false) =>
        format switch
        {
            ImageFileFormat.Png => EncodePng(image, parameters),
            ImageFileFormat.Jpeg => EncodeJpeg(image, parameters, quality),
            ImageFileFormat.Webp => EncodeWebp(image, parameters, webpLossless, quality),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };

    /// <summary>"png", "jpg"/"jpeg", "webp" (A1111's samples_format values) → format; other values throw.</summary>
    public static ImageFileFormat ParseFormat(string name) => name.Trim().ToLowerInvariant() switch
    {
        "png" => ImageFileFormat.Png,
        "jpg" or "jpeg" => ImageFileFormat.Jpeg,
        "webp" => ImageFileFormat.Webp,
        _ => throw new ArgumentException($"Unsupported image format \"{name}\" (use png, jpg or webp)."),
    };

    /// <summary>File extension without the dot for <paramref name="format"/>.</summary>
    public static string Extension(ImageFileFormat format) => format switch
    {
        ImageFileFormat.Png => "png",
        ImageFileFormat.Jpeg => "jpg",
        _ => "webp",
    };

    /// <summary>
    /// The generation parameters embedded in a PNG (tEXt/iTXt/zTXt <c>parameters</c>), JPEG/WebP (EXIF UserComment,
    /// which wins over PNG text as in A1111) or GIF comment; null when the file has none.
    /// </summary>
    /// <exception cref="ImageInputException">The bytes are not a PNG, JPEG, WebP, GIF or BMP file.</exception>
    public static string? ReadParameters(byte[] fileBytes) => MetadataReader.Read(fileBytes).Parameters;

    /// <summary>Parameters plus the other info items (see <see cref="ImageMetadata"/>).</summary>
    public static ImageMetadata ReadMetadata(byte[] fileBytes) => MetadataReader.Read(fileBytes);
}
