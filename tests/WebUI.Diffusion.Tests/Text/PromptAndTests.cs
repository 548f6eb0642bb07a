using WebUI.Diffusion.Text;

namespace WebUI.Diffusion.Tests.Text;

/// <summary>Composable diffusion AND split (§3.2) and extra-network tags (§3).</summary>
public class PromptAndTests
{
    [Fact]
    public void Reference_example()
    {
        var parts = PromptParser.SplitAnd("a cat :1.2 AND a dog:0.5 AND bird");
        Assert.Equal([("a cat", 1.2), (" a dog", 0.5), (" bird", 1.0)], parts);
    }

    [Theory]
    [InlineData("a cat", "a cat", 1.0)]
    [InlineData("a cat  ", "a cat", 1.0)]
    [InlineData("a cat:1.", "a cat", 1.0)]
    [InlineData("a cat : .5 ", "a cat", 0.5)]
    [InlineData("a cat:-2", "a cat", -2.0)]
    [InlineData("(a cat:1.2)", "(a cat:1.2)", 1.0)]
    [InlineData("a cat:1.2.3", "a cat:1.2.3", 1.0)]
    [InlineData("", "", 1.0)]
    public void Single_part_weights(string prompt, string text, double weight)
    {
        Assert.Equal([(text, weight)], PromptParser.SplitAnd(prompt));
    }

    [Fact]
    public void And_must_be_a_whole_upper_case_word()
    {
        Assert.Single(PromptParser.SplitAnd("sand AND_x ANDROID and"));
        Assert.Equal([("a", 1.0), ("", 1.0), (" b", 1.0)], PromptParser.SplitAnd("a AND AND b"));
        Assert.Equal([("x", 1.0), (" y", 2.0)], PromptParser.SplitAnd("x\nAND y:2\n"));
        Assert.Equal([("été", 1.0), (" été", 3.0)], PromptParser.SplitAnd("été AND été:\u0663")); // Arabic-Indic 3
    }

    [Fact]
    public void Extra_network_tags_are_removed_and_collected()
    {
        var (prompt, tags) = PromptParser.ExtractExtraNetworks("<lora:detail_tweaker:0.8>, a forest <hypernet:x:1.0:extra> path <not a tag>");
        Assert.Equal(", a forest  path <not a tag>", prompt);
        Assert.Equal(2, tags.Count);
        Assert.Equal("lora", tags[0].Name);
        Assert.Equal(["detail_tweaker", "0.8"], tags[0].Args);
        Assert.Equal("hypernet", tags[1].Name);
        Assert.Equal(["x", "1.0", "extra"], tags[1].Args);
    }
}
