using WebUI.Diffusion.Text;

namespace WebUI.Diffusion.Tests.Text;

/// <summary>Locates the read-only reference data next to the repository (../shared) and loads the real CLIP
/// tokenizer once for all text tests.</summary>
internal static class SharedData
{
    static readonly Lazy<string> Root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "WebUI.sln"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("Repository root (WebUI.sln) not found above " + AppContext.BaseDirectory);
        return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
    });

    static readonly Lazy<ClipTokenizer> Clip = new(() => ClipTokenizer.FromFiles(VocabPath, MergesPath));

    public static string SharedDir => Root.Value;
    public static string ClipDir => Path.Combine(SharedDir, "data", "clip");
    public static string VocabPath => Path.Combine(ClipDir, "vocab.json");
    public static string MergesPath => Path.Combine(ClipDir, "merges.txt");
    public static string ReferencePath(string name) => Path.Combine(SharedDir, "data", "reference", name);

    /// <summary>The real CLIP-L tokenizer with SD 1.x special tokens (pad = EOS).</summary>
    public static ClipTokenizer Tokenizer => Clip.Value;
}
