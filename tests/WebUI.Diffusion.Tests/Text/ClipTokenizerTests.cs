using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;
using WebUI.Diffusion.Text;

namespace WebUI.Diffusion.Tests.Text;

public class ClipTokenizerTests
{
    static ClipTokenizer Tok => SharedData.Tokenizer;

    public static IEnumerable<object[]> PublicReferenceLines()
    {
        foreach (var line in File.ReadLines(SharedData.ReferencePath("clip_tokens_public.jsonl")))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var doc = JsonDocument.Parse(line);
            yield return [doc.RootElement.GetProperty("text").GetString()!, doc.RootElement.GetProperty("ids").GetRawText()];
        }
    }

    [Theory]
    [MemberData(nameof(PublicReferenceLines))]
    public void Encode_matches_reference_ids(string text, string idsJson)
    {
        var expected = JsonSerializer.Deserialize<int[]>(idsJson)!;
        Assert.Equal(expected, Tok.Encode(text));
    }

    [Fact]
    public void Reference_file_has_every_line_covered()
    {
        Assert.Equal(24, PublicReferenceLines().Count());
    }

    [Fact]
    public void Vocabulary_and_default_special_tokens_are_clip_l()
    {
        Assert.Equal(49408, Tok.VocabularySize);
        Assert.Equal(49406, Tok.BosId);
        Assert.Equal(49407, Tok.EosId);
        Assert.Equal(49407, Tok.PadId);
        Assert.Equal(77, Tok.ModelMaxLength);
        Assert.True(Tok.TryGetId(",</w>", out int comma));
        Assert.Equal(267, comma);
        Assert.Equal("!", Tok.IdToToken(0));
    }

    // Expected ids below come from OpenAI's SimpleTokenizer algorithm (without ftfy) run on the same vocabulary.
    [Theory]
    [InlineData("fish &amp; chips", new[] { 2759, 261, 8855 })]
    [InlineData("fish &amp;amp; chips", new[] { 2759, 261, 8855 })] // unescaped twice
    [InlineData("&lt;3 &notit; &copy2024 &#128009; &#x41;&#0; &#150;",
        new[] { 283, 274, 126, 361, 585, 282, 5811, 273, 271, 273, 275, 46908, 320, 39802, 1224 })]
    [InlineData("<|startoftext|>a cat<|endoftext|>", new[] { 49406, 320, 2368, 49407 })]
    [InlineData("  A\tCAT\n\u3000DOG  ", new[] { 320, 2368, 1929 })]
    [InlineData("\u039f\u0394\u039f\u03a3 \u03a3\u0391\u03a3", new[] { 138, 123, 138, 112, 138, 123, 139, 480, 139, 225, 138, 109, 139, 480 })] // final sigma
    [InlineData("\u0130stanbul", new[] { 328, 16384, 11231 })] // Python lower: İ → i + U+0307
    [InlineData("don't you'll WE'RE it'S", new[] { 847, 713, 592, 1342, 649, 982, 585, 568 })]
    [InlineData("a\u001cb", new[] { 320, 472, 321 })] // U+001C is stripped by str.strip but is not regex \s
    [InlineData("x\u0301y", new[] { 343, 136, 479, 344 })] // a combining mark is neither letter nor number
    [InlineData("\U0001D400\U0001D401 math bold", new[] { 15889, 222, 15889, 479, 6025, 8911 })] // letters outside the BMP
    [InlineData("\u017f'\u017f", new[] { 129, 379, 6, 129, 379 })] // case-insensitive 's matches long s
    [InlineData("1234567", new[] { 272, 273, 274, 275, 276, 277, 278 })] // digits are single tokens
    [InlineData("hello,,,world!!!", new[] { 3306, 14811, 1002, 995 })]
    [InlineData("", new int[0])]
    [InlineData("   ", new int[0])]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", new[] { 23126, 23126, 23126, 23126, 6727, 19336 })]
    public void Encode_follows_clip_cleanup_and_splitting(string text, int[] expected)
    {
        Assert.Equal(expected, Tok.Encode(text));
    }

    [Fact]
    public void Unicode_text_falls_back_to_bytes_and_decodes_back()
    {
        // Emoji and CJK have no word entries: they come out as UTF-8 byte symbols and decode to the same text.
        var dragon = Tok.Encode("🐉");
        Assert.True(dragon.Length >= 1);
        Assert.Equal("🐉 ", Tok.Decode(dragon));
        Assert.Equal("桜の木の下の猫 ", Tok.Decode(Tok.Encode("桜の木の下の猫")));
        Assert.Equal("一个女孩在花园里 , 樱花 , 春天 ", Tok.Decode(Tok.Encode("一个女孩在花园里, 樱花, 春天")));
        Assert.Equal("a dragon 🐉 flying ", Tok.Decode(Tok.Encode("A Dragon 🐉 flying")));
        // Lone surrogates cannot be UTF-8: they encode as U+FFFD's bytes instead of failing.
        Assert.Equal("\uFFFD ", Tok.Decode(Tok.Encode("\uD800")));
    }

    [Fact]
    public void Decode_marks_word_ends_and_rejects_unknown_ids()
    {
        Assert.Equal("a red circle ", Tok.Decode([320, 736, 7117]));
        Assert.Equal("<|startoftext|>a <|endoftext|>", Tok.Decode([49406, 320, 49407]));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Tok.Decode([49408]));
        Assert.Contains("49408", e.Message);
    }

    [Fact]
    public void Concurrent_encoding_gives_the_same_ids()
    {
        var texts = PublicReferenceLines().Select(x => (string)x[0]).ToArray();
        var expected = texts.Select(Tok.Encode).ToArray();
        var fresh = ClipTokenizer.FromFiles(SharedData.VocabPath, SharedData.MergesPath); // empty cache: threads race to fill it
        Parallel.For(0, 400, i => Assert.Equal(expected[i % texts.Length], fresh.Encode(texts[i % texts.Length])));
    }
}

/// <summary>Timing runs alone: on a shared 2-core machine parallel test classes would distort it.</summary>
[CollectionDefinition(nameof(TimingCollection), DisableParallelization = true)]
public class TimingCollection;

[Collection(nameof(TimingCollection))]
public class ClipTokenizerLoadTimeTests(ITestOutputHelper output)
{
    [Fact]
    public void Loading_the_full_vocabulary_is_fast()
    {
        ClipTokenizer.FromFiles(SharedData.VocabPath, SharedData.MergesPath); // JIT warm-up
        // CPU time, not wall time: the build machine is shared, and other processes stretch the wall clock.
        var process = Process.GetCurrentProcess();
        long best = long.MaxValue, bestWall = long.MaxValue;
        for (int i = 0; i < 5; i++)
        {
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var t = ClipTokenizer.FromFiles(SharedData.VocabPath, SharedData.MergesPath);
            sw.Stop();
            process.Refresh();
            Assert.Equal(49408, t.VocabularySize);
            best = Math.Min(best, (long)(process.TotalProcessorTime - cpu0).TotalMilliseconds);
            bestWall = Math.Min(bestWall, sw.ElapsedMilliseconds);
        }
        output.WriteLine($"Loading vocab.json + merges.txt took {best} ms CPU, {bestWall} ms wall");
        Assert.True(best < 200, $"Loading took {best} ms");
    }
}
