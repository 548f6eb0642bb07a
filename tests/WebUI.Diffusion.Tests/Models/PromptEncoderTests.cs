using WebUI.Diffusion.Models;
using WebUI.Diffusion.Tests.Pipelines;

namespace WebUI.Diffusion.Tests.Models;

public sealed class PromptEncoderTests
{
    sealed class PadZeroTokenizer : ITextTokenizer
    {
        public int[] Encode(string text) => Enumerable.Range(1, text.Length).ToArray();
        public int BosId => 49406;
        public int EosId => 49407;
        public int PadId => 0;
        public int ModelMaxLength => 77;
    }

    [Fact]
    public void A_chunk_is_bos_first_75_tokens_eos_and_padding()
    {
        var encoder = new PromptEncoder(null!, new PadZeroTokenizer());
        var chunk = encoder.Chunk(new string('x', 80)).Single();
        Assert.Equal(77, chunk.Ids.Length);
        Assert.Equal(49406, chunk.Ids[0]);
        Assert.Equal(Enumerable.Range(1, 75), chunk.Ids[1..76]);
        Assert.Equal(49407, chunk.Ids[76]);

        var shortChunk = encoder.Chunk("abc").Single();
        Assert.Equal([49406, 1, 2, 3, 49407], shortChunk.Ids[..5]);
        Assert.All(shortChunk.Ids[5..], id => Assert.Equal(0, id)); // SD2-style pad "!" = 0
        Assert.All(shortChunk.Weights, w => Assert.Equal(1f, w));

        var sd1 = new PromptEncoder(null!, new WordTokenizer()).Chunk("");
        Assert.Equal(new[] { 49406 }.Concat(Enumerable.Repeat(49407, 76)), sd1.Single().Ids);
    }

    [Fact]
    public void Emphasis_scales_tokens_and_restores_the_mean()
    {
        // two tokens × two channels
        float[] z = [1, 2, 3, 4];
        PromptEncoder.ApplyEmphasis(z, [1f, 2f]);
        // after weights: [1,2,6,8] (mean 4.25); restore mean 2.5 → ×(2.5/4.25)
        float k = 2.5f / 4.25f;
        Assert.Equal(new[] { 1 * k, 2 * k, 6 * k, 8 * k }, z, new FloatTolerance(1e-6f));

        float[] same = [1, 2, 3, 4];
        PromptEncoder.ApplyEmphasis(same, [1f, 1f]);
        Assert.Equal([1f, 2, 3, 4], same);
    }

    sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(float f) => 0;
    }
}
