using WebUI.Diffusion.Text;

namespace WebUI.Diffusion.Tests.Text;

/// <summary>Locates the read-only reference data next to the repository (../shared) and the vectors kept with
/// these tests, and loads the real CLIP tokenizer once for all text tests.</summary>
internal static class SharedData
{
    static readonly Lazy<string> Root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "WebUI.sln"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("Repository root (WebUI.sln) not found above " + AppContext.BaseDirectory);
        return dir.FullName;
    });

    static readonly Lazy<ClipTokenizer> Clip = new(() => ClipTokenizer.FromFiles(VocabPath, MergesPath));

    public static string SharedDir => Path.GetFullPath(Path.Combine(Root.Value, "..", "shared"));
    public static string ClipDir => Path.Combine(SharedDir, "data", "clip");
    public static string VocabPath => Path.Combine(ClipDir, "vocab.json");
    public static string MergesPath => Path.Combine(ClipDir, "merges.txt");
    public static string ReferencePath(string name) => Path.Combine(SharedDir, "data", "reference", name);

    /// <summary>A vector file kept in the source tree beside these tests.</summary>
    public static string TestFile(string name) => Path.Combine(Root.Value, "tests", "WebUI.Diffusion.Tests", "Text", name);

    /// <summary>The real CLIP-L tokenizer with SD 1.x special tokens (pad = EOS).</summary>
    public static ClipTokenizer Tokenizer => Clip.Value;

    /// <summary>The same vocabulary with SD 2.x / SDXL-G padding ("!" = 0).</summary>
    public static ClipTokenizer Sd2Tokenizer => Sd2.Value;

    static readonly Lazy<ClipTokenizer> Sd2 = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), "webui-sd2tok-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var map = Path.Combine(dir, "special_tokens_map.json");
            File.WriteAllText(map, """{"bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>", "pad_token": "!"}""");
            return ClipTokenizer.FromFiles(VocabPath, MergesPath, map);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    });
}
