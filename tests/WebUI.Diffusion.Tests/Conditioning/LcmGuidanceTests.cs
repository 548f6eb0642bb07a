using WebUI.Diffusion.Models;

namespace WebUI.Diffusion.Tests.Conditioning;

/// <summary>The LCM guidance embedding against diffusion-reference §8.6 (guidance 8.5, w = 7.5, 256 values).</summary>
public sealed class LcmGuidanceTests
{
    [Fact]
    public void Guidance_8_5_matches_the_reference_vector()
    {
        var e = LcmGuidance.Embedding(8.5, 256);
        Assert.Equal(256, e.Length);
        (int Index, double Value)[] expected =
        [
            (0, -0.8512358993), (1, 0.8422281421), (2, 0.0118196552),
            (128, -0.5247832349), (129, 0.5391212819), (130, -0.9999301454),
            (127, 0.6816387600), (255, 0.7316888689),
        ];
        foreach (var (i, v) in expected) Assert.True(Math.Abs(e[i] - v) < 2e-6, $"emb[{i}] = {e[i]:R}, expected {v}");
    }

    [Fact]
    public void Guidance_one_is_w_zero_sines_zero_cosines_one_and_odd_widths_pad_a_zero()
    {
        var e = LcmGuidance.Embedding(1.0, 8);
        Assert.Equal([0f, 0, 0, 0, 1, 1, 1, 1], e);
        var odd = LcmGuidance.Embedding(3.0, 9);
        Assert.Equal(0f, odd[8]);
    }
}
