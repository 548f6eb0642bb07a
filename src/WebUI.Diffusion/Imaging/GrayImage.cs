namespace WebUI.Diffusion.Imaging;

/// <summary>An 8-bit single-channel image (an inpainting mask: 255 = repaint), rows top to bottom.</summary>
public sealed record GrayImage(byte[] Pixels, int Width, int Height)
{
    public byte this[int x, int y] => Pixels[y * Width + x];

    /// <summary>Pillow's getbbox(): the smallest box (x1, y1, x2, y2), x2/y2 exclusive, holding every non-zero pixel; null when all are 0.</summary>
    public (int X1, int Y1, int X2, int Y2)? BoundingBox()
    {
        int x1 = Width, y1 = Height, x2 = -1, y2 = -1;
        for (int y = 0; y < Height; y++)
        {
            var row = Pixels.AsSpan(y * Width, Width);
            int first = row.IndexOfAnyExcept((byte)0);
            if (first < 0) continue;
            int last = row.LastIndexOfAnyExcept((byte)0);
            if (first < x1) x1 = first;
            if (last > x2) x2 = last;
            if (y < y1) y1 = y;
            y2 = y;
        }
        return x2 < 0 ? null : (x1, y1, x2 + 1, y2 + 1);
    }

    /// <summary>ImageOps.invert: 255 − v.</summary>
    public GrayImage Invert()
    {
        var inv = new byte[Pixels.Length];
        for (int i = 0; i < inv.Length; i++) inv[i] = (byte)(255 - Pixels[i]);
        return this with { Pixels = inv };
    }

    /// <summary>Crop to the box (x2/y2 exclusive), which must lie inside the image.</summary>
    public GrayImage Crop(int x1, int y1, int x2, int y2)
    {
        int w = x2 - x1, h = y2 - y1;
        var p = new byte[w * h];
        for (int y = 0; y < h; y++) Buffer.BlockCopy(Pixels, (y1 + y) * Width + x1, p, y * w, w);
        return new GrayImage(p, w, h);
    }
}
