namespace WebUI.Generation;

/// <summary>
/// Maps files under the outputs folder to the URLs the web host serves them from (/outputs/...), and back,
/// refusing anything that would leave the folder.
/// </summary>
public static class OutputUrls
{
    public const string Prefix = "/outputs/";

    static readonly HashSet<string> ServedExtensions = new(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg", ".webp" };

    /// <summary>The URL of a file, or null when it is not inside the outputs folder.</summary>
    public static string? For(Hosting.WebUIPaths paths, string filePath)
    {
        string root = WithSeparator(paths.OutputsDir);
        string full = Path.GetFullPath(filePath);
        if (!full.StartsWith(root, StringComparison.Ordinal)) return null;
        var segments = full[root.Length..].Split(Path.DirectorySeparatorChar).Select(Uri.EscapeDataString);
        return Prefix + string.Join('/', segments);
    }

    /// <summary>
    /// The file behind a relative URL path (already URL-decoded by routing), or null when it is outside the outputs
    /// folder, not an image type we serve, or does not exist.
    /// </summary>
    public static string? Resolve(Hosting.WebUIPaths paths, string relativePath)
    {
        if (string.IsNullOrEmpty(relativePath) || relativePath.Contains('\0')) return null;
        string root = WithSeparator(paths.OutputsDir);
        string full = Path.GetFullPath(Path.Combine(root, relativePath.Replace('/', Path.DirectorySeparatorChar)));
        if (!full.StartsWith(root, StringComparison.Ordinal)) return null;
        if (!ServedExtensions.Contains(Path.GetExtension(full))) return null;
        // A link (to the file or to a folder on the way) could point anywhere; we never write links, so refuse them.
        return History.HistoryRoots.ExistsWithoutLinks(root, full) ? full : null;
    }

    static string WithSeparator(string directory)
    {
        string full = Path.GetFullPath(directory);
        return full.EndsWith(Path.DirectorySeparatorChar) ? full : full + Path.DirectorySeparatorChar;
    }
}
