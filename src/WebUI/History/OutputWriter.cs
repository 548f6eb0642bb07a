using System.Globalization;
using System.Text;

namespace WebUI.History;

/// <summary>Where a job's pictures go.</summary>
public abstract record OutputTarget
{
    /// <summary>A1111's layout: outputs/txt2img-images/YYYY-MM-DD/NNNNN-SEED.png (img2img-images for img2img), plus grids.</summary>
    public static OutputTarget Default { get; } = new DatedFolders();

    /// <summary>Nothing is written (benchmarks).</summary>
    public static OutputTarget None { get; } = new Nowhere();

    /// <summary>Named by the file-name pattern (NNNNN-SEED.png by default) straight into this folder, no grid.</summary>
    public static OutputTarget Folder(string directory) => new IntoFolder(directory);

    /// <summary>This exact file; further pictures of the job get -1, -2, ... before the extension.</summary>
    public static OutputTarget File(string path) => new AsFile(path);

    internal sealed record DatedFolders : OutputTarget;
    internal sealed record Nowhere : OutputTarget;
    internal sealed record IntoFolder(string Directory) : OutputTarget;
    internal sealed record AsFile(string Path) : OutputTarget;
}

/// <summary>
/// A1111's file naming (modules/images.py save_image) with crash-safe writes: every file is written to a hidden
/// temporary name in the same folder, flushed to disk, then renamed into place, so a killed process never leaves
/// half a picture under a real name (only a <c>.NAME.xxxxxxxx.tmp</c> file, which reconcile removes).
/// </summary>
public static class OutputWriter
{
    /// <summary>Longest file name (bytes, UTF-8) most file systems accept.</summary>
    const int MaxNameBytes = 255;

    /// <summary>
    /// The next free sequence number in <paramref name="directory"/> (images.get_next_sequence_number): 1 + the largest
    /// integer found before the first '-' of the names (after "basename-" when a basename is given), 0 when none.
    /// </summary>
    public static int NextSequenceNumber(string directory, string basename = "")
    {
        if (!Directory.Exists(directory)) return 0;
        string prefix = basename.Length == 0 ? "" : basename + "-";
        int max = -1;
        foreach (string file in Directory.EnumerateFiles(directory))
        {
            string name = Path.GetFileName(file);
            if (!name.StartsWith(prefix, StringComparison.Ordinal) || IsTempFile(name)) continue;
            string rest = Path.GetFileNameWithoutExtension(name[prefix.Length..]);
            int dash = rest.IndexOf('-');
            string head = dash < 0 ? rest : rest[..dash];
            if (int.TryParse(head, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > max) max = n;
        }
        return max + 1;
    }

    /// <summary>Writes NNNNN-SEED.png into the folder and returns its full path (the default A1111 name).</summary>
    public static string SaveNumbered(string directory, long seed, byte[] png) =>
        SaveNumbered(directory, "", seed.ToString(CultureInfo.InvariantCulture), "png", png, null);

    /// <summary>
    /// A1111's numbered name: <c>NNNNN-decoration.ext</c>, or <c>basename-NNNN-decoration.ext</c> with a basename
    /// (grids: <c>grid-0000.png</c>); an empty decoration drops its dash. Tries 500 numbers in case another writer
    /// takes one meanwhile. <paramref name="timestampUtc"/> becomes the file's modification time.
    /// </summary>
    public static string SaveNumbered(string directory, string basename, string decoration, string extension, byte[] bytes, DateTime? timestampUtc)
    {
        Directory.CreateDirectory(directory);
        int number = NextSequenceNumber(directory, basename);
        string suffix = decoration.Length == 0 ? "" : "-" + decoration;
        for (int attempt = 0; attempt < 500; attempt++, number++)
        {
            string counter = basename.Length == 0
                ? number.ToString("00000", CultureInfo.InvariantCulture)
                : $"{basename}-{number.ToString("0000", CultureInfo.InvariantCulture)}";
            string path = Path.Combine(directory, FitName(counter + suffix, extension));
            if (WriteAtomic(path, bytes, overwrite: false, timestampUtc)) return path;
        }
        throw new IOException($"Could not find a free file name in {directory} after 500 tries.");
    }

    /// <summary>
    /// A name without a sequence number (save_images_add_number off): <c>decoration.ext</c>, replaced when it exists,
    /// or with <c>-1</c>, <c>-2</c>, ... appended when <paramref name="replace"/> is false ("Add number suffix").
    /// </summary>
    public static string SaveNamed(string directory, string name, string extension, byte[] bytes, bool replace, DateTime? timestampUtc)
    {
        Directory.CreateDirectory(directory);
        string stem = FitName(name, extension)[..^(extension.Length + 1)];
        if (replace) return SaveExact(Path.Combine(directory, $"{stem}.{extension}"), bytes, timestampUtc);
        for (int n = 0; n < 100_000; n++)
        {
            string candidate = n == 0 ? stem : $"{stem}-{n.ToString(CultureInfo.InvariantCulture)}";
            string path = Path.Combine(directory, $"{candidate}.{extension}");
            if (WriteAtomic(path, bytes, overwrite: false, timestampUtc)) return path;
        }
        throw new IOException($"Could not find a free file name for {name}.{extension} in {directory}.");
    }

    /// <summary>Writes (or replaces) exactly this file, through a temporary file so readers never see half a picture.</summary>
    public static string SaveExact(string path, byte[] bytes, DateTime? timestampUtc = null)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        WriteAtomic(full, bytes, overwrite: true, timestampUtc);
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

    /// <summary>True for the temporary names this writer uses (<c>.NAME.xxxxxxxx.tmp</c>).</summary>
    public static bool IsTempFile(string fileName) =>
        fileName.Length > 14 && fileName[0] == '.' && fileName.EndsWith(".tmp", StringComparison.Ordinal)
        && fileName[^13] == '.' && !fileName.AsSpan(fileName.Length - 12, 8).ContainsAnyExcept("0123456789abcdef");

    /// <summary>
    /// Writes <paramref name="bytes"/> to a temporary file beside <paramref name="path"/>, flushes it to disk and renames
    /// it into place. Returns false (and leaves nothing behind) when the file exists and <paramref name="overwrite"/> is off.
    /// </summary>
    public static bool WriteAtomic(string path, ReadOnlySpan<byte> bytes, bool overwrite, DateTime? timestampUtc = null)
    {
        if (!overwrite && File.Exists(path)) return false;
        string directory = Path.GetDirectoryName(path)!;
        string temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Random.Shared.Next():x8}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024))
            {
                stream.Write(bytes);
                // Without this a power cut after the rename can leave an empty file under the real name.
                stream.Flush(flushToDisk: true);
            }
            if (timestampUtc is DateTime t) File.SetLastWriteTimeUtc(temp, t);
            try
            {
                File.Move(temp, path, overwrite);
            }
            catch (IOException) when (!overwrite && File.Exists(path))
            {
                return false; // another writer took the name between the check and the rename
            }
            return true;
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Cuts a name so that name + "." + extension fits the file system's limit (bytes, whole characters).</summary>
    internal static string FitName(string stem, string extension)
    {
        int budget = MaxNameBytes - Math.Max(4, extension.Length + 1);
        if (Encoding.UTF8.GetByteCount(stem) > budget)
        {
            var kept = new StringBuilder();
            int used = 0;
            foreach (var rune in stem.EnumerateRunes())
            {
                used += rune.Utf8SequenceLength;
                if (used > budget) break;
                kept.Append(rune.ToString());
            }
            stem = kept.ToString();
        }
        return $"{stem}.{extension}";
    }
}
