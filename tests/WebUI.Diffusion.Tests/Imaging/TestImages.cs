using System.Buffers.Binary;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace WebUI.Diffusion.Tests.Imaging;

internal static class TestImages
{
    /// <summary>A small image with distinct pixels (so encoders cannot take shortcuts).</summary>
    public static Image<Rgb24> Gradient(int w = 16, int h = 8)
    {
        var img = new Image<Rgb24>(w, h);
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            img[x, y] = new Rgb24((byte)(x * 255 / Math.Max(1, w - 1)), (byte)(y * 255 / Math.Max(1, h - 1)), (byte)((x + y) * 7));
        return img;
    }

    public static Image<Rgb24> FromRows(params string[] rows)
    {
        // 'R' red, 'G' green, 'B' blue, 'W' white, 'K' black
        var img = new Image<Rgb24>(rows[0].Length, rows.Length);
        for (int y = 0; y < rows.Length; y++)
        for (int x = 0; x < rows[y].Length; x++)
            img[x, y] = Color(rows[y][x]);
        return img;
    }

    public static Rgb24 Color(char c) => c switch
    {
        'R' => new Rgb24(255, 0, 0), 'G' => new Rgb24(0, 255, 0), 'B' => new Rgb24(0, 0, 255),
        'W' => new Rgb24(255, 255, 255), _ => new Rgb24(0, 0, 0),
    };

    /// <summary>Walks a PNG's chunks: (type, data), checking every CRC on the way.</summary>
    public static List<(string Type, byte[] Data)> PngChunks(byte[] png)
    {
        Assert.True(png.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }));
        var list = new List<(string, byte[])>();
        int pos = 8;
        while (pos < png.Length)
        {
            int len = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos));
            string type = Encoding.ASCII.GetString(png, pos + 4, 4);
            byte[] data = png.AsSpan(pos + 8, len).ToArray();
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + len));
            Assert.Equal(Crc32(png.AsSpan(pos + 4, 4 + len)), crc);
            list.Add((type, data));
            pos += 12 + len;
        }
        return list;
    }

    public static byte[] PngChunk(string type, byte[] data)
    {
        var c = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(c, (uint)data.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(c, 4);
        data.CopyTo(c, 8);
        BinaryPrimitives.WriteUInt32BigEndian(c.AsSpan(8 + data.Length), Crc32(c.AsSpan(4, 4 + data.Length)));
        return c;
    }

    /// <summary>Rebuilds a PNG from chunks (for hand-made test files).</summary>
    public static byte[] BuildPng(IEnumerable<(string Type, byte[] Data)> chunks)
    {
        var ms = new MemoryStream();
        ms.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        foreach (var (t, d) in chunks) ms.Write(PngChunk(t, d));
        return ms.ToArray();
    }

    static uint Crc32(ReadOnlySpan<byte> data)
    {
        // Independent bitwise CRC-32 (no table) so the test does not share code with the implementation.
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
        }
        return ~crc;
    }
}
