using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace WebUI.History;

/// <summary>A1111's <c>images.image_grid</c>: the job's pictures in rows, each cell the size of the largest picture.</summary>
public static class ImageGrid
{
    /// <summary>
    /// Rows for <paramref name="count"/> images: <paramref name="rowsSetting"/> &gt; 0 as given, 0 = batch size,
    /// -1 = round(√n), or with <paramref name="preventEmptySpots"/> the largest divisor of n not above √n; never more than n.
    /// </summary>
    public static int Rows(int count, int batchSize, int rowsSetting, bool preventEmptySpots)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), "A grid needs at least one image.");
        int rows;
        if (rowsSetting > 0) rows = rowsSetting;
        else if (rowsSetting == 0) rows = batchSize;
        else if (preventEmptySpots)
        {
            rows = (int)Math.Floor(Math.Sqrt(count));
            while (count % rows != 0) rows--;
        }
        else rows = (int)Math.Round(Math.Sqrt(count), MidpointRounding.ToEven); // Python round(): banker's rounding
        return Math.Clamp(rows, 1, count);
    }

    /// <summary>Pastes the images row by row; smaller ones are centred in their cell on <paramref name="background"/>.</summary>
    public static Image<Rgb24> Compose(IReadOnlyList<Image<Rgb24>> images, int rows, Rgb24 background)
    {
        if (images.Count == 0) throw new ArgumentException("A grid needs at least one image.", nameof(images));
        int cols = (images.Count + rows - 1) / rows;
        int w = images.Max(i => i.Width), h = images.Max(i => i.Height);
        var grid = new Image<Rgb24>(cols * w, rows * h, background);
        for (int i = 0; i < images.Count; i++)
        {
            var img = images[i];
            int x = i % cols * w + (img.Width == w ? 0 : (w - img.Width) / 2);
            int y = i / cols * h + (img.Height == h ? 0 : (h - img.Height) / 2);
            grid.Mutate(g => g.DrawImage(img, new Point(x, y), 1f));
        }
        return grid;
    }

    /// <summary>"#rrggbb" (or "#rgb") → colour; throws naming the setting for anything else.</summary>
    public static Rgb24 ParseColor(string text)
    {
        string s = text.Trim();
        if (s.StartsWith('#')) s = s[1..];
        if (s.Length == 3) s = string.Concat(s.Select(c => new string(c, 2)));
        if (s.Length != 6 || !int.TryParse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int rgb))
            throw new ArgumentException($"Setting Saving:GridBackgroundColor must be a colour like #ffffff, got \"{text}\".");
        return new Rgb24((byte)(rgb >> 16), (byte)(rgb >> 8), (byte)rgb);
    }
}
