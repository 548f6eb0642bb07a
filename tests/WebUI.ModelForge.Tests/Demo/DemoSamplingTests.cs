using WebUI.ModelForge.Demo;

namespace WebUI.ModelForge.Tests.Demo;

[Collection(DemoCollection.Name)]
public class DemoSamplingTests(DemoFixture demo)
{
    [Theory]
    [InlineData("a sunset over the sea", "sunset over the sea", 1)]
    [InlineData("a sunset over the sea", "sunset over the sea", 2)]
    [InlineData("a sunset over the sea", "sunset over the sea", 3)]
    [InlineData("red circle on blue", "red circle on blue", 4)]
    [InlineData("snowy mountains at night", "snowy mountains", 5)]
    public void EulerKarrasFromNoise_EndsOnAGalleryPictureOfThePromptedFamily(string prompt, string family, long seed)
    {
        var x = DemoSampling.Euler(demo, prompt, "", seed, cfg: 7);
        var (k, _) = DemoSampling.Nearest(demo, x);
        Assert.Equal(family, DemoGallery.Scenes[k].Family);
        // Within a few 8-bit levels of that member: only the τ texture (and Euler's small error) remain.
        var (mean, p99) = DemoSampling.PixelDifference(demo, x, demo.Member(k));
        Assert.True(mean < 2.5, $"mean difference {mean:F2} levels");
        Assert.True(p99 <= 8, $"99th percentile difference {p99} levels");
    }

    [Fact]
    public void TheSeedPicksTheMember_AndAnEmptyPromptRoamsTheGallery()
    {
        // The prompt wins for most seeds (as with SD, a seed can occasionally overrule a one-word prompt).
        var sunsets = Enumerable.Range(1, 6).Select(s => DemoSampling.Nearest(demo, DemoSampling.Euler(demo, "sunset", "", s, 7)).Member).ToArray();
        Assert.True(sunsets.Count(k => DemoGallery.Scenes[k].Tags.ContainsKey("sunset")) >= 5,
            "most seeds should end on a sunset: " + string.Join(", ", sunsets.Select(k => DemoGallery.Scenes[k].Name)));
        Assert.True(sunsets.Distinct().Count() >= 3, "different seeds should pick different sunsets");
        var free = Enumerable.Range(1, 6).Select(s => DemoGallery.Scenes[DemoSampling.Nearest(demo, DemoSampling.Euler(demo, "", "", s, 7, steps: 12)).Member].Family);
        Assert.True(free.Distinct().Count() >= 3, "an empty prompt should not favour one family");
    }

    [Fact]
    public void NegativePrompt_PushesAwayFromWhatItNames()
    {
        // The same seed and prompt, with and without a negative prompt naming the member it would pick.
        var x = DemoSampling.Euler(demo, "landscape", "", 7, 7, steps: 12);
        int first = DemoSampling.Nearest(demo, x).Member;
        var firstFamily = DemoGallery.Scenes[first].Family;
        var negative = firstFamily switch { "sunset over the sea" => "sunset", "snowy mountains" => "snow", "desert dunes" => "desert", "green hills" => "hills", "forest" => "forest", "flower field" => "flowers", "beach and ocean waves" => "beach", "starry night sky" => "stars", _ => "city" };
        var y = DemoSampling.Euler(demo, "landscape", negative, 7, 7, steps: 12);
        Assert.NotEqual(firstFamily, DemoGallery.Scenes[DemoSampling.Nearest(demo, y).Member].Family);
    }
}
