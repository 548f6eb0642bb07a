using System.Globalization;

namespace WebUI.Generation;

/// <summary>Where a job's pictures go.</summary>
public abstract record OutputTarget
{
    /// <summary>A1111's layout: outputs/txt2img-images/YYYY-MM-DD/NNNNN-SEED.png (img2img-images for img2img).</summary>
    public static OutputTarget Default { get; } = new DatedFolders();

    /// <summary>Nothing is written (benchmarks).</summary>
    public static OutputTarget None { get; } = new Nowhere();

    /// <summary>NNNNN-SEED.png straight into this folder.</summary>
    public static OutputTarget Folder(string directory) => new IntoFolder(directory);

    /// <summary>This exact file; further pictures of the job get -1, -2, ... before the extension.</summary>
    public static OutputTarget File(string path) => new AsFile(path);

    internal sealed record DatedFolders : OutputTarget;
    internal sealed record Nowhere : OutputTarget;
    internal sealed record IntoFolder(string Directory) : OutputTarget;
    internal sealed record AsFile(string Path) : OutputTarget;
}

/// <summary>A1111's file naming (modules/images.py save_image) and atomic writes.</summary>
public static class OutputWriter
{
    /// <summary>
    /// The next free sequence number in <paramref name="directory"/>: 1 + the largest integer found before the first '-'
    /// of any file name there, 0 for an empty or missing folder (so the first picture is 00000-SEED.png).
    /// </summary>
    public static int NextSequenceNumber(string directory)
    {
        if (!Directory.Exists(directory)) return 0;
        int max = -1;
        foreach (string file in Directory.EnumerateFiles(directory))
        {
            string name = Path.GetFileName(file);
            int dash = name.IndexOf('-');
            string head = dash < 0 ? Path.GetFileNameWithoutExtension(name) : name[..dash];
            if (int.TryParse(head, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > max) max = n;
        }
        return max + 1;
    }

    /// <summary>Writes NNNNN-SEED.png into the folder and returns its full path.</summary>
    public static string SaveNumbered(string directory, long seed, byte[] png)
    {
        Directory.CreateDirectory(directory);
        // A1111 tries up to 500 numbers in case another writer took one meanwhile.
        int number = NextSequenceNumber(directory);
        for (int attempt = 0; attempt < 500; attempt++, number++)
        {
            string path = Path.Combine(directory, $"{number:00000}-{seed.ToString(CultureInfo.InvariantCulture)}.png");
            if (TryCreateNew(path, png)) return path;
        }
        throw new IOException($"Could not find a free file name in {directory} after 500 tries.");
    }

    /// <summary>Writes (or replaces) exactly this file, through a temporary file so readers never see half a PNG.</summary>
    public static string SaveExact(string path, byte[] png)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + ".tmp";
        System.IO.File.WriteAllBytes(temp, png);
        System.IO.File.Move(temp, full, overwrite: true);
        return full;
    }

    /// <summary>The i-th file name of a job written with <see cref="OutputTarget.File"/>: out.png, out-1.png, out-2.png...</summary>
    public static string IndexedFileName(string path, int index)
    {
        if (index == 0) return path;
        string extension = Path.GetExtension(path);
        string stem = path[..^extension.Length];
        return $"{stem}-{index.ToString(CultureInfo.InvariantCulture)}{extension}";
    }

    static bool TryCreateNew(string path, byte[] png)
    {
        string temp = path + ".tmp";
        System.IO.File.WriteAllBytes(temp, png);
        try
        {
            System.IO.File.Move(temp, path, overwrite: false);
            return true;
        }
        catch (IOException) when (System.IO.File.Exists(path))
        {
            System.IO.File.Delete(temp);
            return false;
        }
    }
}
