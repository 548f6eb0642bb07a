namespace WebUI.Diffusion.Text;

/// <summary>
/// CLIP/GPT-2's <c>bytes_to_unicode</c>: a reversible map from the 256 byte values to printable characters, so
/// BPE can work on text while covering every UTF-8 byte. Printable Latin-1 bytes map to themselves; the others
/// take U+0100 upwards in byte order.
/// </summary>
internal static class ClipByteEncoding
{
    /// <summary>Character standing for each byte value.</summary>
    public static readonly char[] ByteToChar = Build();

    /// <summary>Byte value for each mapped character (index = char code, -1 where unmapped).</summary>
    public static readonly short[] CharToByte = Invert(ByteToChar);

    static char[] Build()
    {
        var map = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[b] = printable ? (char)b : (char)next++;
        }
        return map;
    }

    static short[] Invert(char[] map)
    {
        var inverse = new short[512];
        Array.Fill(inverse, (short)-1);
        for (int b = 0; b < 256; b++) inverse[map[b]] = (short)b;
        return inverse;
    }
}
