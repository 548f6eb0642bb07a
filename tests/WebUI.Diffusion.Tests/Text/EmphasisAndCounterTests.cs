using WebUI.Diffusion.Text;

namespace WebUI.Diffusion.Tests.Text;

public class EmphasisTests
{
    static float[] Z() => [1, 2, 3, 4, 5, 6]; // 3 tokens × 2 channels
    static readonly float[] W = [1f, 2f, 0.5f];

    [Fact]
    public void Original_multiplies_then_restores_the_mean()
    {
        var z = Z();
        Emphasis.Apply(z, W, EmphasisMode.Original);
        // mean before 3.5; after weighting [1,2,6,8,2.5,3] the mean is 3.75, so everything is scaled by 3.5/3.75.
        float s = 3.5f / 3.75f;
        float[] expected = [1 * s, 2 * s, 6 * s, 8 * s, 2.5f * s, 3 * s];
        for (int i = 0; i < z.Length; i++) Assert.Equal(expected[i], z[i], 5);
        Assert.Equal(3.5, z.Average(), 5);
    }

    [Fact]
    public void No_norm_only_multiplies_and_ignore_none_do_nothing()
    {
        var z = Z();
        Emphasis.Apply(z, W, EmphasisMode.NoNorm);
        Assert.Equal([1f, 2f, 6f, 8f, 2.5f, 3f], z);
        foreach (var mode in new[] { EmphasisMode.Ignore, EmphasisMode.None })
        {
            var untouched = Z();
            Emphasis.Apply(untouched, W, mode);
            Assert.Equal(Z(), untouched);
        }
    }

    [Fact]
    public void Original_over_a_batch_uses_the_batch_mean()
    {
        // Two items of 3 tokens: A1111 takes the mean over the whole [B, 77, C] chunk tensor, not per item.
        float[] z = [.. Z(), .. Z()];
        float[] w = [.. W, 1f, 1f, 1f];
        Emphasis.Apply(z, w, EmphasisMode.Original);
        float s = 3.5f / ((22.5f + 21f) / 12f);
        Assert.Equal(6 * s, z[2], 5);
        Assert.Equal(1 * s, z[6], 5); // the unweighted item is rescaled too
    }

    [Fact]
    public void Mismatched_sizes_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => Emphasis.Apply(new float[7], W, EmphasisMode.Original));
    }

    [Theory]
    [InlineData("Original", EmphasisMode.Original)]
    [InlineData("No norm", EmphasisMode.NoNorm)]
    [InlineData("no NORM", EmphasisMode.NoNorm)]
    [InlineData("Ignore", EmphasisMode.Ignore)]
    [InlineData("None", EmphasisMode.None)]
    public void Labels_round_trip(string label, EmphasisMode mode)
    {
        Assert.Equal(mode, Emphasis.Parse(label));
        Assert.Equal(label, Emphasis.Name(mode), ignoreCase: true);
        var e = Assert.Throws<ArgumentException>(() => Emphasis.Parse("Strong"));
        Assert.Contains("No norm", e.Message);
    }
}

public class PromptTokenCounterTests
{
    static (int, int) Count(string prompt, bool negative = false) =>
        PromptTokenCounter.Count(SharedData.Tokenizer, prompt, 20, negative);

    [Fact] public void Empty() => Assert.Equal((0, 75), Count(""));
    [Fact] public void Short() => Assert.Equal((7, 75), Count("a red circle on a blue background"));
    [Fact] public void Longest_scheduled_text_counts() => Assert.Equal((8, 75), Count("a [cat:dog with a very long name indeed:0.5]"));
    [Fact] public void Longest_and_part_counts() => Assert.Equal((4, 75), Count("a cat AND a dog with hat"));
    [Fact] public void Negative_is_not_split_on_and() => Assert.Equal((3, 75), Count("a AND b", negative: true));
    [Fact] public void Extra_network_tags_do_not_count() => Assert.Equal((2, 75), Count("<lora:x:1> a cat"));
    [Fact] public void Break_fills_the_chunk() => Assert.Equal((76, 150), Count("a BREAK b"));

    [Fact]
    public void Max_grows_by_whole_chunks()
    {
        var prompt = string.Join(" ", Enumerable.Repeat("cat", 151));
        Assert.Equal((151, 225), Count(prompt));
    }
}

public class ConditioningPaddingTests
{
    [Fact]
    public void Empty_prompt_copies_are_appended()
    {
        float[] cond = [1, 2, 3, 4];   // 2 tokens × 2
        float[] empty = [9, 8];        // a 1-token "empty prompt" keeps the test small
        Assert.Equal([1f, 2, 3, 4, 9, 8, 9, 8], ConditioningPadding.AppendEmptyPrompt(cond, empty, 2, 4));
        Assert.Throws<ArgumentException>(() => ConditioningPadding.AppendEmptyPrompt(cond, [9, 8, 7, 6], 2, 3));
    }

    [Fact]
    public void Last_vector_repeats_or_truncates()
    {
        float[] cond = [1, 2, 3, 4];
        Assert.Equal([1f, 2, 3, 4, 3, 4, 3, 4], ConditioningPadding.RepeatLastVector(cond, 2, 4));
        Assert.Equal([1f, 2], ConditioningPadding.RepeatLastVector(cond, 2, 1));
        Assert.Throws<ArgumentException>(() => ConditioningPadding.RepeatLastVector([1, 2, 3], 2, 4));
    }
}
