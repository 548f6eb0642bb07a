namespace WebUI.Tests.Support;

/// <summary>The read-only reference data beside the repository (../shared), found by walking up to WebUI.sln.</summary>
public static class SharedFiles
{
    static readonly Lazy<string> Root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "WebUI.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Repository root (WebUI.sln) not found above " + AppContext.BaseDirectory);
    });

    public static string RepositoryRoot => Root.Value;
    public static string ClipDir => Path.GetFullPath(Path.Combine(Root.Value, "..", "shared", "data", "clip"));

    /// <summary>Copies the real CLIP vocabulary into <paramref name="modelDir"/>/tokenizer, as a checkpoint folder has it.</summary>
    public static void CopyClipTokenizer(string modelDir)
    {
        string target = Path.Combine(modelDir, "tokenizer");
        Directory.CreateDirectory(target);
        File.Copy(Path.Combine(ClipDir, "vocab.json"), Path.Combine(target, "vocab.json"), overwrite: true);
        File.Copy(Path.Combine(ClipDir, "merges.txt"), Path.Combine(target, "merges.txt"), overwrite: true);
    }
}
