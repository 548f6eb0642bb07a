using System.Buffers.Binary;
using SixLabors.ImageSharp;
using WebUI.Diffusion.Imaging;

namespace WebUI.History;

/// <summary>Why a file in a history folder was not indexed.</summary>
public enum SkipReason { NotImage, Corrupt, Unreadable }

public sealed class ImageFileException(SkipReason reason, string message, Exception? inner = null) : Exception(message, inner)
{
    public SkipReason Reason { get; } = reason;
}

/// <summary>What the index needs from a picture file, read without decoding pixels.</summary>
public sealed record ImageFileFacts(string Format, int Width, int Height, string? Infotext, long Size, DateTime ModifiedUtc);

/// <summary>
/// Reads size, format and infotext of a picture. A PNG is walked chunk by chunk with seeks over the pixel data (a
/// 10 MB PNG costs a few small reads), and must end with IEND: a truncated file is reported as corrupt, never indexed.
/// JPEG and WebP are read whole (they are small) and identified by ImageSharp.
/// </summary>
public static class ImageFileReader
{
    static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg", ".webp" };
    static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Text chunks larger than this are not infotext (and not worth reading).</summary>
    const int MaxTextChunk = 4 * 1024 * 1024;
    const long MaxWholeFile = 256L * 1024 * 1024;

    /// <summary>Whether the history looks at files with this name at all.</summary>
    public static bool HasImageExtension(string path) => ImageExtensions.Contains(Path.GetExtension(path));

    /// <exception cref="ImageFileException">Not a picture, corrupt or unreadable (see <see cref="ImageFileException.Reason"/>).</exception>
    public static ImageFileFacts Read(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, FileOptions.SequentialScan);
            var info = new FileInfo(path);
            Span<byte> head = stackalloc byte[12];
            int got = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            stream.Position = 0;
            if (got >= 8 && head[..8].SequenceEqual(PngSignature)) return ReadPng(stream, info);
            if (got >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF) return ReadWhole(stream, info, "JPEG");
            if (got >= 12 && head[..4].SequenceEqual("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8)) return ReadWhole(stream, info, "WEBP");
            throw new ImageFileException(SkipReason.NotImage, $"{path} is not a PNG, JPEG or WebP picture.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageFileException(SkipReason.Unreadable, $"{path} cannot be read: {e.Message}", e);
        }
    }

    static ImageFileFacts ReadPng(FileStream stream, FileInfo info)
    {
        // The chunks that carry text are copied into a small PNG of their own and handed to the metadata reader.
        using var mini = new MemoryStream();
        mini.Write(PngSignature);
        Span<byte> header = stackalloc byte[8];
        stream.Position = 8;
        int width = 0, height = 0;
        bool end = false;
        long length = stream.Length;
        while (!end)
        {
            if (stream.ReadAtLeast(header, 8, throwOnEndOfStream: false) < 8) throw Truncated(info);
            uint size = BinaryPrimitives.ReadUInt32BigEndian(header);
            string type = System.Text.Encoding.ASCII.GetString(header[4..]);
            if (size > int.MaxValue || stream.Position + size + 4 > length) throw Truncated(info);
            bool keep = type is "IHDR" or "tEXt" or "iTXt" or "zTXt" or "eXIf" && size <= MaxTextChunk;
            if (type == "IHDR" && size < 8) throw new ImageFileException(SkipReason.Corrupt, $"{info.FullName} has a broken PNG header.");
            if (keep)
            {
                var data = new byte[size + 4];
                stream.ReadExactly(data);
                if (type == "IHDR")
                {
                    width = (int)Math.Min(int.MaxValue, BinaryPrimitives.ReadUInt32BigEndian(data));
                    height = (int)Math.Min(int.MaxValue, BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(4)));
                }
                mini.Write(header);
                mini.Write(data);
            }
            else stream.Seek(size + 4, SeekOrigin.Current);
            end = type == "IEND";
        }
        if (width <= 0 || height <= 0) throw new ImageFileException(SkipReason.Corrupt, $"{info.FullName} has no valid PNG size.");
        string? infotext = PngText.ReadParameters(mini.ToArray());
        return new ImageFileFacts("PNG", width, height, infotext, length, info.LastWriteTimeUtc);
    }

    static ImageFileFacts ReadWhole(FileStream stream, FileInfo info, string format)
    {
        if (stream.Length > MaxWholeFile) throw new ImageFileException(SkipReason.Corrupt, $"{info.FullName} is too large for a {format} picture.");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        if (format == "WEBP" && (long)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)) + 8 > bytes.Length) throw Truncated(info);
        IImageInfo? identified;
        try
        {
            identified = Image.Identify(bytes);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new ImageFileException(SkipReason.Corrupt, $"{info.FullName} is a corrupt {format} picture: {e.Message}", e);
        }
        if (identified is null || identified.Width <= 0 || identified.Height <= 0)
            throw new ImageFileException(SkipReason.Corrupt, $"{info.FullName} is a corrupt {format} picture.");
        string? infotext;
        try
        {
            infotext = PngText.ReadParameters(bytes);
        }
        catch (ImageInputException e)
        {
            throw new ImageFileException(SkipReason.Corrupt, $"{info.FullName}: {e.Message}", e);
        }
        return new ImageFileFacts(format, identified.Width, identified.Height, infotext, bytes.Length, info.LastWriteTimeUtc);
    }

    static ImageFileException Truncated(FileInfo info) =>
        new(SkipReason.Corrupt, $"{info.FullName} is truncated (the picture ends before its last chunk).");
}
