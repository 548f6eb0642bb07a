using System.Buffers.Binary;
using System.Text;

namespace WebUI.Diffusion.Imaging;

/// <summary>
/// The EXIF block A1111 embeds in JPEG/WebP files (piexif): a big-endian TIFF structure whose only entry is the
/// Exif IFD's UserComment (0x9286) = "UNICODE\0" + UTF-16BE text. Reading accepts any byte order, the ASCII and
/// undefined character codes and the UTF-16LE payloads other tools write.
/// </summary>
internal static class ExifUserComment
{
    const ushort ExifIfdPointerTag = 0x8769;
    const ushort UserCommentTag = 0x9286;
    static readonly byte[] UnicodePrefix = "UNICODE\0"u8.ToArray();
    static readonly byte[] AsciiPrefix = "ASCII\0\0\0"u8.ToArray();
    static readonly byte[] JisPrefix = "JIS\0\0\0\0\0"u8.ToArray();

    /// <summary>The raw TIFF bytes ("MM\0*" ...) holding IFD0 → Exif IFD → UserComment.</summary>
    public static byte[] BuildTiff(string text)
    {
        byte[] comment = new byte[8 + Encoding.BigEndianUnicode.GetByteCount(text)];
        UnicodePrefix.CopyTo(comment, 0);
        Encoding.BigEndianUnicode.GetBytes(text, 0, text.Length, comment, 8);

        // Layout (offsets from the TIFF header): 0 header, 8 IFD0 (1 entry), 26 Exif IFD (1 entry), 44 comment.
        var tiff = new byte[44 + comment.Length];
        var s = tiff.AsSpan();
        "MM"u8.CopyTo(s);
        BinaryPrimitives.WriteUInt16BigEndian(s[2..], 42);
        BinaryPrimitives.WriteUInt32BigEndian(s[4..], 8);
        WriteIfd(s[8..], ExifIfdPointerTag, type: 4 /* LONG */, count: 1, valueOrOffset: 26);
        WriteIfd(s[26..], UserCommentTag, type: 7 /* UNDEFINED */, count: (uint)comment.Length, valueOrOffset: 44);
        comment.CopyTo(s[44..]);
        return tiff;
    }

    static void WriteIfd(Span<byte> s, ushort tag, ushort type, uint count, uint valueOrOffset)
    {
        BinaryPrimitives.WriteUInt16BigEndian(s, 1);
        BinaryPrimitives.WriteUInt16BigEndian(s[2..], tag);
        BinaryPrimitives.WriteUInt16BigEndian(s[4..], type);
        BinaryPrimitives.WriteUInt32BigEndian(s[6..], count);
        BinaryPrimitives.WriteUInt32BigEndian(s[10..], valueOrOffset);
        BinaryPrimitives.WriteUInt32BigEndian(s[14..], 0); // no next IFD
    }

    /// <summary>The decoded UserComment of an EXIF block (with or without the "Exif\0\0" prefix); null when absent.</summary>
    public static string? Read(ReadOnlySpan<byte> exif)
    {
        if (exif.StartsWith("Exif\0\0"u8)) exif = exif[6..];
        var raw = FindUserComment(exif);
        return raw is null ? null : Decode(raw);
    }

    static byte[]? FindUserComment(ReadOnlySpan<byte> tiff)
    {
        if (tiff.Length < 8) return null;
        bool big;
        if (tiff.StartsWith("MM"u8)) big = true;
        else if (tiff.StartsWith("II"u8)) big = false;
        else return null;
        uint ifd0 = U32(tiff, 4, big);
        if (!FindEntry(tiff, ifd0, ExifIfdPointerTag, big, out _, out uint pointer, out _)) return null;
        if (!FindEntry(tiff, pointer, UserCommentTag, big, out uint count, out uint offset, out int entry)) return null;
        if (count <= 4) return tiff.Slice(entry + 8, (int)count).ToArray(); // small values sit in the entry itself
        if (offset > tiff.Length || count > tiff.Length - offset) return null;
        return tiff.Slice((int)offset, (int)count).ToArray();
    }

    static bool FindEntry(ReadOnlySpan<byte> tiff, uint ifd, ushort tag, bool big, out uint count, out uint value, out int entry)
    {
        count = 0; value = 0; entry = 0;
        if (ifd > tiff.Length - 2L) return false;
        int n = U16(tiff, (int)ifd, big);
        for (int i = 0; i < n; i++)
        {
            long e = ifd + 2L + 12L * i;
            if (e + 12 > tiff.Length) return false;
            if (U16(tiff, (int)e, big) != tag) continue;
            entry = (int)e;
            count = U32(tiff, (int)e + 4, big);
            value = U32(tiff, (int)e + 8, big);
            return true;
        }
        return false;
    }

    static ushort U16(ReadOnlySpan<byte> s, int at, bool big) =>
        big ? BinaryPrimitives.ReadUInt16BigEndian(s[at..]) : BinaryPrimitives.ReadUInt16LittleEndian(s[at..]);

    static uint U32(ReadOnlySpan<byte> s, int at, bool big) =>
        big ? BinaryPrimitives.ReadUInt32BigEndian(s[at..]) : BinaryPrimitives.ReadUInt32LittleEndian(s[at..]);

    /// <summary>piexif.helper.UserComment.load, with A1111's UTF-8 fallback and tolerance for UTF-16LE writers.</summary>
    internal static string Decode(byte[] raw)
    {
        ReadOnlySpan<byte> s = raw;
        string text;
        if (s.StartsWith(UnicodePrefix)) text = DecodeUtf16(s[8..]);
        else if (s.StartsWith(AsciiPrefix)) text = LenientUtf8(s[8..]); // many tools put UTF-8 behind the ASCII code
        else if (s.StartsWith(JisPrefix)) text = LenientUtf8(s[8..]);
        else if (s.Length >= 8 && s[..8].IndexOfAnyExcept((byte)0) < 0) text = LenientUtf8(s[8..]); // undefined code
        else text = LenientUtf8(s); // A1111: piexif raises, then bytes.decode('utf8', errors='ignore')
        return text.TrimEnd('\0');
    }

    static string DecodeUtf16(ReadOnlySpan<byte> body)
    {
        if (body.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) return Encoding.BigEndianUnicode.GetString(body[2..]);
        if (body.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])) return Encoding.Unicode.GetString(body[2..]);
        // No BOM: mostly-Latin text has its zero bytes first in UTF-16BE and second in UTF-16LE.
        int zeroEven = 0, zeroOdd = 0;
        for (int i = 0; i + 1 < body.Length; i += 2)
        {
            if (body[i] == 0) zeroEven++;
            if (body[i + 1] == 0) zeroOdd++;
        }
        return zeroOdd > zeroEven ? Encoding.Unicode.GetString(body) : Encoding.BigEndianUnicode.GetString(body);
    }

    // Python's errors="ignore": invalid sequences are dropped, not replaced.
    static readonly Encoding Utf8DropInvalid =
        Encoding.GetEncoding("utf-8", EncoderFallback.ReplacementFallback, new DecoderReplacementFallback(""));

    internal static string LenientUtf8(ReadOnlySpan<byte> bytes) => Utf8DropInvalid.GetString(bytes);
}
