using System.Text.Json;
using WebUI.ModelForge.Demo;

namespace WebUI.ModelForge.Tests.Demo;

[Collection(DemoCollection.Name)]
public class DemoTokenizerTests(DemoFixture demo)
{
    static string SharedDir()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "WebUI.sln"))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new DirectoryNotFoundException("WebUI.sln not found above the test folder."), "..", "shared");
    }

    [Fact]
    public void ClipBpe_ReproducesRealClipIds()
    {
        // The forge's BPE (used to build and check the demo vocabulary) against the real CLIP vocabulary's reference ids.
        var clip = Path.Combine(SharedDir(), "data", "clip");
        var bpe = ClipBpe.FromFiles(Path.Combine(clip, "vocab.json"), Path.Combine(clip, "merges.txt"));
        var lines = File.ReadAllLines(Path.Combine(SharedDir(), "data", "reference", "clip_tokens_public.jsonl"));
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            var text = doc.RootElement.GetProperty("text").GetString()!;
            var ids = doc.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            Assert.Equal(ids, bpe.Encode(text));
        }
    }

    [Fact]
    public void Files_AreInClipFormat()
    {
        var dir = Path.Combine(demo.Root, "tokenizer");
        var merges = File.ReadAllText(Path.Combine(dir, "merges.txt")).Split('\n');
        Assert.Equal("#version: 0.2", merges[0]);
        Assert.Equal("", merges[^1]);
        var pairs = merges[1..^1].Select(l => l.Split(' ')).ToArray();
        Assert.All(pairs, p => Assert.Equal(2, p.Length));

        // vocab.json is exactly OpenAI's construction: bytes, bytes + </w>, one entry per merge, then BOS and EOS.
        var vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(Path.Combine(dir, "vocab.json")))!;
        var bytes = ClipBpe.ByteAlphabet();
        List<string> expected = [.. bytes, .. bytes.Select(b => b + "</w>"), .. pairs.Select(p => p[0] + p[1]), "<|startoftext|>", "<|endoftext|>"];
        Assert.Equal(expected, vocab.OrderBy(kv => kv.Value).Select(kv => kv.Key).ToList());
        Assert.Equal(Enumerable.Range(0, expected.Count), vocab.Values.Order());
        Assert.Equal("!", bytes[0]);
        Assert.Equal(0, vocab["!"]);
        Assert.Equal(256, vocab["!</w>"]);
        Assert.Equal(expected.Count - 1, demo.EosId);
        Assert.Equal(expected.Count - 2, demo.BosId);

        using var special = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "special_tokens_map.json")));
        Assert.Equal("<|startoftext|>", special.RootElement.GetProperty("bos_token").GetProperty("content").GetString());
        Assert.Equal("<|endoftext|>", special.RootElement.GetProperty("eos_token").GetProperty("content").GetString());
        Assert.Equal("<|endoftext|>", special.RootElement.GetProperty("pad_token").GetString());
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "tokenizer_config.json")));
        Assert.Equal(77, config.RootElement.GetProperty("model_max_length").GetInt32());
        Assert.Equal("CLIPTokenizer", config.RootElement.GetProperty("tokenizer_class").GetString());
    }

    [Theory]
    [InlineData("a sunset over the sea", new[] { "a", "sunset", "over", "the", "sea" })]
    [InlineData("Snowy Mountains, at NIGHT", new[] { "snowy", "mountains", ",", "at", "night" })]
    [InlineData("(red circle:1.2) on blue", new[] { "(", "red", "circle", ":", "1", ".", "2", ")", "on", "blue" })]
    public void Words_AreWholeTokens(string prompt, string[] words)
    {
        var tokens = demo.Tokenizer.Tokens(prompt).ToArray();
        Assert.Equal(words.Select(w => w + "</w>"), tokens);
    }

    [Fact]
    public void EveryDemoWord_IsOneToken_AndUnknownWordsFallBackToPieces()
    {
        foreach (var word in DemoVocabulary.Words) Assert.Single(demo.Tokenizer.Encode(word));
        var pieces = demo.Tokenizer.Tokens("xylophone").ToArray();
        Assert.True(pieces.Length > 1);
        Assert.Equal("xylophone</w>", string.Concat(pieces));
    }

    [Theory]
    [InlineData("雪山", new[] { "雪", "山</w>" })]
    [InlineData("夜晚 城市", new[] { "夜", "晚</w>", "城", "市</w>" })]
    [InlineData("红色圆", new[] { "红", null, null, null, "圆</w>" })]   // 色 is not a demo character: it stays three byte tokens
    public void ChineseCharacters_AreOneTokenEach(string prompt, string?[] expected)
    {
        var tokens = demo.Tokenizer.Tokens(prompt).ToArray();
        Assert.Equal(expected.Length, tokens.Length);
        for (int i = 0; i < tokens.Length; i++)
            if (expected[i] is { } e)
            {
                bool end = e.EndsWith("</w>");
                Assert.Equal(e, ClipBpe.DecodeBytes(end ? tokens[i][..^4] : tokens[i]) + (end ? "</w>" : ""));
            }
    }

    [Fact]
    public void Tags_AreConsistentBetweenWordsAndScenes()
    {
        var sceneTags = DemoGallery.Scenes.SelectMany(s => s.Tags.Keys).ToHashSet();
        Assert.Empty(sceneTags.Except(DemoVocabulary.NamedTags));
        Assert.Empty(DemoVocabulary.NamedTags.Except(sceneTags));
    }
}
