using System.Text.Json;
using WebUI.ModelForge.Architectures;

namespace WebUI.ModelForge.Tests.Architectures;

/// <summary>The generated tokenizer files must be a valid CLIP BPE vocabulary that a standard CLIP tokenizer can use.</summary>
public sealed class TinyClipVocabularyTests
{
    /// <summary>Reference byte-level BPE over one lower-case ASCII word, applying the lowest-ranked merge first (OpenAI's bpe()).</summary>
    static List<string> Bpe(string word, IReadOnlyList<(string Left, string Right)> merges)
    {
        var ranks = new Dictionary<(string, string), int>();
        for (int i = 0; i < merges.Count; i++) ranks.TryAdd(merges[i], i);
        var symbols = word.Select(c => c.ToString()).ToList();
        symbols[^1] += "</w>";
        while (symbols.Count > 1)
        {
            int best = -1, bestRank = int.MaxValue;
            for (int i = 0; i + 1 < symbols.Count; i++)
                if (ranks.TryGetValue((symbols[i], symbols[i + 1]), out int r) && r < bestRank) { bestRank = r; best = i; }
            if (best < 0) break;
            var (l, rr) = merges[bestRank];
            for (int i = 0; i + 1 < symbols.Count; i++)
                if (symbols[i] == l && symbols[i + 1] == rr) { symbols[i] = l + rr; symbols.RemoveAt(i + 1); }
        }
        return symbols;
    }

    [Fact]
    public void LayoutFollowsClip()
    {
        var v = TinyClipVocabulary.Build();
        Assert.Equal("!", v.Tokens[0]);
        Assert.Equal("~", v.Tokens[93]);
        Assert.Equal("¡", v.Tokens[94]);
        Assert.Equal("\u0100", v.Tokens[188]); // byte 0x00, the first non-printable byte, maps to U+0100
        Assert.Equal("!</w>", v.Tokens[256]);
        Assert.Equal(TinyClipVocabulary.StartOfText, v.Tokens[v.BosId]);
        Assert.Equal(TinyClipVocabulary.EndOfText, v.Tokens[v.EosId]);
        Assert.Equal(v.Size - 1, v.EosId);
        for (int i = 0; i < v.Merges.Count; i++) Assert.Equal(v.Merges[i].Left + v.Merges[i].Right, v.Tokens[512 + i]);
        Assert.Equal(v.Size, v.Tokens.Distinct().Count());
        Assert.InRange(v.Merges.Count, 300, 2000);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("cat")]
    [InlineData("masterpiece")]
    [InlineData("photorealistic")]
    [InlineData("watermark")]
    public void CommonWordsAreSingleTokens(string word)
    {
        var v = TinyClipVocabulary.Build();
        Assert.Equal([word + "</w>"], Bpe(word, v.Merges));
    }

    [Fact]
    public void UnknownWordsFallBackToPiecesInTheVocabulary()
    {
        var v = TinyClipVocabulary.Build();
        var pieces = Bpe("zyxwvortex", v.Merges);
        Assert.True(pieces.Count > 1);
        Assert.All(pieces, p => Assert.Contains(p, v.Tokens));
        Assert.Equal("zyxwvortex</w>", string.Concat(pieces));
    }

    [Fact]
    public void PaddingToClipSizeKeepsAsciiTokenizationAndSpecialIds()
    {
        var small = TinyClipVocabulary.Build();
        var full = TinyClipVocabulary.Build(49408);
        Assert.Equal(49408, full.Size);
        Assert.Equal(49406, full.BosId);
        Assert.Equal(49407, full.EosId);
        Assert.Equal(full.Size, full.Tokens.Distinct().Count());
        foreach (var word in (string[])["sunset", "cyberpunk", "qqq", "lighthouse"])
            Assert.Equal(Bpe(word, small.Merges), Bpe(word, full.Merges));
    }

    [Fact]
    public void WrittenFilesRoundTrip()
    {
        using var temp = new TempDir();
        var v = TinyClipVocabulary.Build();
        v.Write(temp.Path, "!");
        var vocab = JsonDocument.Parse(File.ReadAllText(Path.Combine(temp.Path, "vocab.json"))).RootElement;
        Assert.Equal(v.Size, vocab.EnumerateObject().Count());
        Assert.Equal(v.EosId, vocab.GetProperty("<|endoftext|>").GetInt32());
        Assert.Equal(v.Tokens[300], vocab.EnumerateObject().Single(p => p.Value.GetInt32() == 300).Name);
        var lines = File.ReadAllLines(Path.Combine(temp.Path, "merges.txt"));
        Assert.Equal("#version: 0.2", lines[0]);
        Assert.Equal(v.Merges.Select(m => m.Left + " " + m.Right), lines[1..]);
        Assert.Throws<ArgumentException>(() => v.Write(temp.Path, "<|pad|>"));
    }
}
