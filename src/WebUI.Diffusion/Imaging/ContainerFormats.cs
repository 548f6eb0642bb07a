using System.Buffers.Binary;
using System.Text;

namespace WebUI.Diffusion.Imaging;

/// <summary>File signatures of the containers this project reads or refuses by name.</summary>
internal static class ImageFormats
{
    public static string Detect(ReadOnlySpan<byte> b)
    {
        if (b.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])) return "PNG";
        if (b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return "JPEG";
        if (b.Length >= 12 && b.StartsWith("RIFF"u8) && b[8..12].SequenceEqual("WEBP"u8)) return "WEBP";
        if (b.StartsWith("GIF87a"u8) || b.StartsWith("GIF89a"u8)) return "GIF";
        if (b.StartsWith("BM"u8) && b.Length >= 26) return "BMP";
        if (b.StartsWith("II*\0"u8) || b.StartsWith("MM\0*"u8)) return "TIFF";
        if (b.Length >= 12 && b[4..8].SequenceEqual("ftyp"u8)) return "HEIF/AVIF";
        return "";
    }
}

/// <summary>PNG chunk writing: CRC-32 and insertion of ancillary chunks before the first IDAT.</summary>
internal static class PngChunks
{
    static readonly uint[] CrcTable = BuildCrcTable();

    static uint[] BuildCrcTable()
    {
        var t = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }

    public static uint Crc(ReadOnlySpan<byte> typeAndData)
    {
        uint c = 0xFFFFFFFFu;
        foreach (byte x in typeAndData) c = CrcTable[(c ^ x) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }

    public static byte[] Chunk(string type, ReadOnlySpan<byte> data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)data.Length);
        Encoding.ASCII.GetBytes(type, 0, 4, chunk, 4);
        data.CopyTo(chunk.AsSpan(8));
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    /// <summary>Inserts <paramref name="chunks"/> right before the first IDAT (where PIL writes text chunks).</summary>
    public static byte[] InsertBeforeIdat(byte[] png, IReadOnlyList<byte[]> chunks)
    {
        int pos = 8;
        while (pos + 8 <= png.Length)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos));
            if (png.AsSpan(pos + 4, 4).SequenceEqual("IDAT"u8)) break;
            pos += 12 + (int)length;
        }
        if (pos + 8 > png.Length) throw new InvalidOperationException("The PNG encoder produced no IDAT chunk.");
        var output = new MemoryStream(png.Length + chunks.Sum(c => c.Length));
        output.Write(png, 0, pos);
        foreach (var c in chunks) output.Write(c);
        output.Write(png, pos, png.Length - pos);
        return output.ToArray();
    }
}

/// <summary>JPEG marker segments up to the start of scan.</summary>
internal static class JpegSegments
{
    /// <summary>Yields (marker, data start, data length) for each length-carrying segment before SOS.</summary>
    public static IEnumerable<(byte Marker, int Start, int Length)> Walk(byte[] b)
    {
        int pos = 2;
        while (pos + 4 <= b.Length)
        {
            if (b[pos] != 0xFF) yield break;
            byte marker = b[pos + 1];
            if (marker == 0xFF) { pos++; continue; } // fill byte
            if (marker is 0x01 or (>= 0xD0 and <= 0xD8)) { pos += 2; continue; } // no length
            if (marker is 0xD9 or 0xDA) yield break; // EOI / start of scan
            int length = BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(pos + 2));
            if (length < 2 || pos + 2 + length > b.Length) yield break;
            yield return (marker, pos + 4, length - 2);
            pos += 2 + length;
        }
    }

    /// <summary>
    /// piexif.insert: the EXIF APP1 replaces a leading APP0 (JFIF) or an existing EXIF APP1, else goes after SOI.
    /// </summary>
    public static byte[] InsertExif(byte[] jpeg, ReadOnlySpan<byte> tiff)
    {
        int segLength = 2 + 6 + tiff.Length;
        if (segLength > 0xFFFF)
            throw new ArgumentException(
                $"The infotext is too long for JPEG EXIF ({tiff.Length} bytes; a JPEG APP1 segment holds at most 65527). Save as PNG instead.");
        var app1 = new byte[2 + segLength];
        app1[0] = 0xFF; app1[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(app1.AsSpan(2), (ushort)segLength);
        "Exif\0\0"u8.CopyTo(app1.AsSpan(4));
        tiff.CopyTo(app1.AsSpan(10));

        var kept = new List<(int Start, int End)>(); // byte ranges of segments kept, in order
        int afterHeaders = 2;
        bool first = true;
        foreach (var (marker, start, length) in Walk(jpeg))
        {
            int segStart = start - 4, segEnd = start + length;
            bool isExif = marker == 0xE1 && jpeg.AsSpan(start, length).StartsWith("Exif\0\0"u8);
            bool dropJfif = first && marker == 0xE0;
            if (!isExif && !dropJfif) kept.Add((segStart, segEnd));
            afterHeaders = segEnd;
            first = false;
        }
        var output = new MemoryStream(jpeg.Length + app1.Length);
        output.Write(jpeg, 0, 2);
        output.Write(app1);
        foreach (var (s, e) in kept) output.Write(jpeg, s, e - s);
        output.Write(jpeg, afterHeaders, jpeg.Length - afterHeaders);
        return output.ToArray();
    }
}

/// <summary>WebP RIFF chunks; EXIF insertion turns a simple (VP8/VP8L) file into the extended VP8X layout.</summary>
internal static class WebpChunks
{
    public static IEnumerable<(string FourCc, int Start, int Length)> Walk(byte[] b)
    {
        int pos = 12;
        long end = Math.Min(b.Length, 8L + BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(4)));
        while (pos + 8 <= end)
        {
            string fourCc = Encoding.ASCII.GetString(b, pos, 4);
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(pos + 4));
            if (size > end - pos - 8) yield break;
            yield return (fourCc, pos + 8, (int)size);
            pos += 8 + (int)size + (int)(size & 1);
        }
    }

    public static byte[] InsertExif(byte[] webp, ReadOnlySpan<byte> tiff, int width, int height)
    {
        var chunks = Walk(webp).ToList();
        if (chunks.Count == 0) throw new InvalidOperationException("The WebP encoder produced no chunks.");
        var output = new MemoryStream(webp.Length + tiff.Length + 32);
        output.Write("RIFF\0\0\0\0WEBP"u8);
        if (chunks[0].FourCc != "VP8X")
        {
            Span<byte> vp8x = stackalloc byte[18];
            "VP8X"u8.CopyTo(vp8x);
            BinaryPrimitives.WriteUInt32LittleEndian(vp8x[4..], 10);
            vp8x[8] = 0x08; // EXIF present
            WriteUInt24(vp8x[12..], width - 1);
            WriteUInt24(vp8x[15..], height - 1);
            output.Write(vp8x);
        }
        bool wroteExif = false;
        foreach (var (fourCc, start, length) in chunks)
        {
            if (fourCc == "EXIF") continue;
            if (fourCc == "XMP " && !wroteExif) { WriteChunk(output, "EXIF", tiff); wroteExif = true; }
            int padded = length + (length & 1);
            long headerAt = output.Position;
            output.Write(webp, start - 8, 8 + padded);
            if (fourCc == "VP8X")
            {
                output.Position = headerAt + 8;
                int flags = output.ReadByte();
                output.Position = headerAt + 8;
                output.WriteByte((byte)(flags | 0x08));
                output.Position = output.Length;
            }
        }
        if (!wroteExif) WriteChunk(output, "EXIF", tiff);
        var bytes = output.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)(bytes.Length - 8));
        return bytes;
    }

    static void WriteChunk(Stream s, string fourCc, ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[8];
        Encoding.ASCII.GetBytes(fourCc, header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)data.Length);
        s.Write(header);
        s.Write(data);
        if ((data.Length & 1) != 0) s.WriteByte(0);
    }

    static void WriteUInt24(Span<byte> s, int v)
    {
        s[0] = (byte)v; s[1] = (byte)(v >> 8); s[2] = (byte)(v >> 16);
    }

    /// <summary>Number of ANMF frames (0 for a still image), for the decode budget of animated files.</summary>
    public static int FrameCount(byte[] webp) => Walk(webp).Count(c => c.FourCc == "ANMF");
}
