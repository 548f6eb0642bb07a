using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using WebUI.Diffusion.Pipelines;
using WebUI.Generation;
using WebUI.Hosting;
using WebUI.History;

namespace WebUI.Api;

/// <summary>
/// <c>save_images: true</c>: writes the job's pictures the way A1111 saves API results — into outdir_samples, or
/// outdir_txt2img_samples / outdir_img2img_samples, under a YYYY-MM-DD folder, as NNNNN-SEED.&lt;samples_format&gt;,
/// and (with two or more pictures) the grid as grid-NNNN.&lt;grid_format&gt; into the grids folder.
/// Relative folders are relative to the data dir.
/// </summary>
public sealed class ApiOutputSaver(WebUIPaths paths)
{
    public IReadOnlyList<string> SavePictures(IReadOnlyList<(byte[] Bytes, long Seed)> pictures, ApiImages.OutputFormat format, ApiJobSettings settings, bool img2img)
    {
        string folder = DatedFolder(settings, "outdir_samples", img2img ? "outdir_img2img_samples" : "outdir_txt2img_samples");
        return pictures.Select(p => SaveNumbered(folder, $"-{p.Seed.ToString(CultureInfo.InvariantCulture)}", format.Extension, p.Bytes, digits: 5)).ToList();
    }

    public string SaveGrid(byte[] bytes, string extension, ApiJobSettings settings, bool img2img)
    {
        string folder = DatedFolder(settings, "outdir_grids", img2img ? "outdir_img2img_grids" : "outdir_txt2img_grids");
        return SaveNumbered(folder, "", extension, bytes, digits: 4, prefix: "grid-");
    }

    string DatedFolder(ApiJobSettings settings, string overrideKey, string tabKey)
    {
        string configured = settings.Text(overrideKey);
        if (configured.Length == 0) configured = settings.Text(tabKey);
        string root = Path.GetFullPath(Path.Combine(paths.DataDir, configured.Length == 0 ? "outputs" : configured));
        return Path.Combine(root, DateTime.Now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    // A1111 numbering: 1 + the largest number found at the start of a name (after the prefix), up to 500 tries.
    static string SaveNumbered(string folder, string suffix, string extension, byte[] bytes, int digits, string prefix = "")
    {
        Directory.CreateDirectory(folder);
        int number = NextNumber(folder, prefix);
        string format = new('0', digits);
        for (int attempt = 0; attempt < 500; attempt++, number++)
        {
            string path = Path.Combine(folder, $"{prefix}{number.ToString(format, CultureInfo.InvariantCulture)}{suffix}.{extension}");
            string temp = path + ".tmp";
            File.WriteAllBytes(temp, bytes);
            try
            {
                File.Move(temp, path, overwrite: false);
                return path;
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temp);
            }
        }
        throw new IOException($"Could not find a free file name in {folder} after 500 tries.");
    }

    static int NextNumber(string folder, string prefix)
    {
        if (prefix.Length == 0) return OutputWriter.NextSequenceNumber(folder);
        int max = -1;
        foreach (string file in Directory.EnumerateFiles(folder, prefix + "*"))
        {
            string rest = Path.GetFileNameWithoutExtension(file)[prefix.Length..];
            int dash = rest.IndexOf('-');
            if (int.TryParse(dash < 0 ? rest : rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > max) max = n;
        }
        return max + 1;
    }

    /// <summary>
    /// A1111's image_grid with default settings: rows = round(√n), columns = ⌈n / rows⌉, cells the size of the
    /// largest picture on a white background, pictures in order left to right, top to bottom.
    /// </summary>
    public static Image<Rgb24> Grid(IReadOnlyList<GeneratedImage> images)
    {
        int n = images.Count;
        int rows = Math.Max(1, Math.Min(n, (int)Math.Round(Math.Sqrt(n), MidpointRounding.ToEven)));
        int cols = (n + rows - 1) / rows;
        int w = images.Max(i => i.Width), h = images.Max(i => i.Height);
        var grid = new Image<Rgb24>(cols * w, rows * h, new Rgb24(255, 255, 255));
        for (int i = 0; i < n; i++)
        {
            using var picture = Image.Load<Rgb24>(images[i].Png);
            int x = i % cols * w, y = i / cols * h;
            grid.Mutate(g => g.DrawImage(picture, new Point(x, y), 1f));
        }
        return grid;
    }
}
