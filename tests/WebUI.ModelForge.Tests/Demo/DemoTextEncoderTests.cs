using WebUI.ModelForge.Demo;

namespace WebUI.ModelForge.Tests.Demo;

[Collection(DemoCollection.Name)]
public class DemoTextEncoderTests(DemoFixture demo)
{
    const int H = DemoModel.HiddenSize;

    // Expected affinity straight from the definitions: the largest weight member k gives any tag the word names.
    static float Affinity(string word, int k) =>
        DemoVocabulary.TagsOf(word).Select(t => DemoGallery.Scenes[k].Tags.TryGetValue(t, out var w) ? w : 0f).DefaultIfEmpty(0f).Max();

    [Fact]
    public void States_AreTheTokensAffinities_ThenPresence_ThenZeros()
    {
        string[] prompts = ["a sunset over the sea", "red circle on blue, 雪山"];
        var (states, pooled) = demo.Encode(prompts);
        Assert.Equal(2 * 77 * H, states.Length);
        Assert.Equal(2 * H, pooled.Length);
        string[][] words = [["a", "sunset", "over", "the", "sea"], ["red", "circle", "on", "blue", ",", "雪", "山"]];
        for (int b = 0; b < 2; b++)
        {
            for (int pos = 0; pos < 77; pos++)
            {
                var row = states.AsSpan((b * 77 + pos) * H, H);
                string? word = pos >= 1 && pos <= words[b].Length ? words[b][pos - 1] : null;
                for (int k = 0; k < demo.K; k++)
                    Assert.Equal(word is null ? 0f : Affinity(word, k), row[k]);
                Assert.Equal(1f, row[demo.K]);
                for (int c = demo.K + 1; c < H; c++) Assert.Equal(0f, row[c]);
            }
            // pooler_output is the state at the first end-of-text token, as in CLIP.
            int eos = words[b].Length + 1;
            Assert.Equal(states.AsSpan((b * 77 + eos) * H, H).ToArray(), pooled.AsSpan(b * H, H).ToArray());
        }
        // Spot checks that the tags mean what they say.
        int sunset = DemoGallery.Scenes.ToList().FindIndex(s => s.Family == "sunset over the sea");
        int circle = DemoGallery.Scenes.ToList().FindIndex(s => s.Family == "red circle on blue");
        Assert.Equal(1f, states[(0 * 77 + 2) * H + sunset]);   // "sunset"
        Assert.Equal(0f, states[(0 * 77 + 2) * H + circle]);
        Assert.Equal(1f, states[(1 * 77 + 2) * H + circle]);   // "circle"
    }

    [Fact]
    public void UnknownWords_HaveNoAffinity_ButTheStateIsNeverAllZero()
    {
        var (states, _) = demo.Encode("xylophone quartet");
        for (int pos = 0; pos < 77; pos++)
        {
            var row = states.AsSpan(pos * H, H);
            for (int k = 0; k < demo.K; k++) Assert.Equal(0f, row[k]);
            Assert.Equal(1f, row[demo.K]);
        }
    }
}
