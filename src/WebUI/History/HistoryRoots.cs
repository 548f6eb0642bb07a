using WebUI.Hosting;

namespace WebUI.History;

/// <summary>
/// The folders the history covers: where the saver writes (the outputs folder and any folder settings moved out of it)
/// and the user's extra folders. Only files inside them are indexed and served; a path that leaves them, or passes a
/// symbolic link on the way, is refused.
/// </summary>
public sealed class HistoryRoots(WebUIPaths paths, SavingOptions saving, HistoryOptions history)
{
    static readonly StringComparison PathComparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    public WebUIPaths Paths => paths;

    /// <summary>Folders this app writes pictures into, outermost only.</summary>
    public IReadOnlyList<string> OutputRoots() => Outermost(new ImageSaver(paths, saving).OutputFolders());

    /// <summary>Every folder the history shows, outermost only.</summary>
    public IReadOnlyList<string> All() =>
        Outermost(OutputRoots().Concat(history.ExtraFolders.Where(f => !string.IsNullOrWhiteSpace(f))
            .Select(f => Path.GetFullPath(Path.Combine(paths.DataDir, f)))));

    /// <summary>The configured folder containing <paramref name="path"/>, or null.</summary>
    public string? RootOf(string path)
    {
        string full = Path.GetFullPath(path);
        return All().FirstOrDefault(root => IsUnder(full, root));
    }

    /// <summary>
    /// The full path when <paramref name="path"/> is an existing picture file inside a configured folder, reached without
    /// following a symbolic link below the folder; otherwise null.
    /// </summary>
    public string? Servable(string path)
    {
        if (string.IsNullOrEmpty(path) || path.Contains('\0')) return null;
        string full = Path.GetFullPath(path);
        string? root = RootOf(full);
        if (root is null || !ImageFileReader.HasImageExtension(full)) return null;
        return ExistsWithoutLinks(root, full) ? full : null;
    }

    /// <summary>
    /// Whether <paramref name="fullPath"/> (inside <paramref name="root"/>) exists and every component below the root is a
    /// real folder or file: a link there could point anywhere on the machine.
    /// </summary>
    public static bool ExistsWithoutLinks(string root, string fullPath)
    {
        if (!IsUnder(fullPath, root)) return false;
        string current = Path.TrimEndingDirectorySeparator(root);
        string[] parts = Path.GetRelativePath(current, fullPath).Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < parts.Length; i++)
        {
            current = Path.Combine(current, parts[i]);
            FileSystemInfo info = i == parts.Length - 1 ? new FileInfo(current) : new DirectoryInfo(current);
            if (!info.Exists || info.LinkTarget is not null) return false;
        }
        return parts.Length > 0;
    }

    public static bool IsUnder(string fullPath, string root)
    {
        string r = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        return fullPath.StartsWith(r, PathComparison);
    }

    static IReadOnlyList<string> Outermost(IEnumerable<string> folders)
    {
        var list = folders.Select(f => Path.TrimEndingDirectorySeparator(Path.GetFullPath(f)))
            .Distinct(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal)
            .OrderBy(f => f.Length).ToList();
        var result = new List<string>();
        foreach (string f in list)
            if (!result.Any(r => IsUnder(f, r))) result.Add(f);
        return result;
    }
}
