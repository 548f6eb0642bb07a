namespace WebUI.Diffusion.Pipelines;

/// <summary>
/// diffusers' AutoencoderKL tiled_decode / tiled_encode (diffusion-reference §7): tiles of the VAE's sample size with a
/// quarter overlap, each run on its own, then each tile blended linearly into the one above and the one to the left over
/// the overlap (in place, in row-major order, as diffusers does) and cropped to its stride before concatenation.
/// The output equals the plain result away from the seams; near them the per-tile GroupNorm statistics shift tones a little.
/// </summary>
internal static class VaeTiling
{
    public const double OverlapFactor = 0.25;

    /// <summary>Tiled decode of a C×h×w latent with tiles of <paramref name="tileSample"/> pixels; returns RGB [3, 8h, 8w].</summary>
    /// <param name="decodeTile">Decodes one latent tile (C×th×tw) into RGB [3, 8th, 8tw].</param>
    public static float[] Decode(ReadOnlySpan<float> latent, int channels, int height, int width, int tileSample,
        Func<float[], int, int, float[]> decodeTile)
    {
        int tileLatent = tileSample / 8;
        int stride = (int)(tileLatent * (1 - OverlapFactor));
        int blend = (int)(tileSample * OverlapFactor);
        int keep = tileSample - blend;
        var grid = new List<List<Tile>>();
        for (int i = 0; i < height; i += stride)
        {
            var row = new List<Tile>();
            for (int j = 0; j < width; j += stride)
            {
                int th = Math.Min(tileLatent, height - i), tw = Math.Min(tileLatent, width - j);
                var part = Slice(latent, channels, height, width, i, j, th, tw);
                row.Add(new Tile(decodeTile(part, th, tw), 3, th * 8, tw * 8));
            }
            grid.Add(row);
        }
        return Assemble(grid, 3, height * 8, width * 8, blend, keep);
    }

    /// <summary>Tiled encode of RGB [3, H, W] with tiles of <paramref name="tileSample"/> pixels; returns the latent [C, H/8, W/8].</summary>
    /// <param name="encodeTile">Encodes one RGB tile (3×th×tw) into a latent [C, th/8, tw/8].</param>
    public static float[] Encode(ReadOnlySpan<float> rgb, int height, int width, int channels, int tileSample,
        Func<float[], int, int, float[]> encodeTile)
    {
        int tileLatent = tileSample / 8;
        int stride = (int)(tileSample * (1 - OverlapFactor));
        int blend = (int)(tileLatent * OverlapFactor);
        int keep = tileLatent - blend;
        var grid = new List<List<Tile>>();
        for (int i = 0; i < height; i += stride)
        {
            var row = new List<Tile>();
            for (int j = 0; j < width; j += stride)
            {
                int th = Math.Min(tileSample, height - i), tw = Math.Min(tileSample, width - j);
                var part = Slice(rgb, 3, height, width, i, j, th, tw);
                row.Add(new Tile(encodeTile(part, th, tw), channels, th / 8, tw / 8));
            }
            grid.Add(row);
        }
        return Assemble(grid, channels, height / 8, width / 8, blend, keep);
    }

    sealed record Tile(float[] Data, int Channels, int Height, int Width);

    static float[] Slice(ReadOnlySpan<float> chw, int channels, int height, int width, int y, int x, int h, int w)
    {
        var part = new float[channels * h * w];
        for (int c = 0; c < channels; c++)
            for (int r = 0; r < h; r++)
                chw.Slice((c * height + y + r) * width + x, w).CopyTo(part.AsSpan((c * h + r) * w, w));
        return part;
    }

    static float[] Assemble(List<List<Tile>> grid, int channels, int height, int width, int blend, int keep)
    {
        var output = new float[channels * height * width];
        int y0 = 0;
        for (int i = 0; i < grid.Count; i++)
        {
            int x0 = 0, rowHeight = 0;
            for (int j = 0; j < grid[i].Count; j++)
            {
                var tile = grid[i][j];
                if (i > 0) BlendVertical(grid[i - 1][j], tile, blend);
                if (j > 0) BlendHorizontal(grid[i][j - 1], tile, blend);
                int kh = Math.Min(keep, tile.Height), kw = Math.Min(keep, tile.Width);
                for (int c = 0; c < channels; c++)
                    for (int r = 0; r < kh && y0 + r < height; r++)
                    {
                        int n = Math.Min(kw, width - x0);
                        tile.Data.AsSpan((c * tile.Height + r) * tile.Width, n).CopyTo(output.AsSpan((c * height + y0 + r) * width + x0, n));
                    }
                x0 += kw;
                rowHeight = kh;
            }
            y0 += rowHeight;
        }
        return output;
    }

    // b[y] = a[H_a − e + y]·(1 − y/e) + b[y]·(y/e) for the first e rows of b.
    static void BlendVertical(Tile a, Tile b, int extent)
    {
        int e = Math.Min(Math.Min(a.Height, b.Height), extent);
        for (int c = 0; c < b.Channels; c++)
            for (int y = 0; y < e; y++)
            {
                float t = (float)((double)y / e);
                var above = a.Data.AsSpan((c * a.Height + a.Height - e + y) * a.Width, a.Width);
                var row = b.Data.AsSpan((c * b.Height + y) * b.Width, b.Width);
                int n = Math.Min(above.Length, row.Length);
                for (int x = 0; x < n; x++) row[x] = above[x] * (1 - t) + row[x] * t;
            }
    }

    static void BlendHorizontal(Tile a, Tile b, int extent)
    {
        int e = Math.Min(Math.Min(a.Width, b.Width), extent);
        for (int c = 0; c < b.Channels; c++)
            for (int y = 0; y < Math.Min(a.Height, b.Height); y++)
            {
                var left = a.Data.AsSpan((c * a.Height + y) * a.Width, a.Width);
                var row = b.Data.AsSpan((c * b.Height + y) * b.Width, b.Width);
                for (int x = 0; x < e; x++)
                {
                    float t = (float)((double)x / e);
                    row[x] = left[a.Width - e + x] * (1 - t) + row[x] * t;
                }
            }
    }
}
