using WebUI.Diffusion.Text;

namespace WebUI.Diffusion.Tests.Text;

/// <summary>parse_prompt_attention vectors from a1111-reference §3.3 (doctests and computed ones).</summary>
public class PromptAttentionTests
{
    static void Check(string prompt, params (string Text, double Weight)[] expected)
    {
        var actual = PromptParser.ParseAttention(prompt);
        Assert.Equal(expected.Length, actual.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Text, actual[i].Text);
            Assert.Equal(expected[i].Weight, actual[i].Weight); // exact float64 products
        }
    }

    [Fact] public void Normal_text() => Check("normal text", ("normal text", 1.0));

    [Fact] public void Important_word() => Check("an (important) word", ("an ", 1.0), ("important", 1.1), (" word", 1.0));

    [Fact] public void Unbalanced() => Check("(unbalanced", ("unbalanced", 1.1));

    [Fact] public void Literal_escapes() => Check(@"\(literal\]", ("(literal]", 1.0));

    [Fact] public void Unnecessary_parens_merge() => Check("(unnecessary)(parens)", ("unnecessaryparens", 1.1));

    [Fact]
    public void Nested_weights_are_float64_products() => Check("a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).",
        ("a ", 1.0), ("house", 1.5730000000000004), (" ", 1.1), ("on", 1.0), (" a ", 1.1), ("hill", 0.55),
        (", sun, ", 1.1), ("sky", 1.4641000000000006), (".", 1.1));

    [Fact] public void Explicit_weight() => Check("(word:1.5)", ("word", 1.5));

    [Fact] public void Double_square() => Check("[[word]]", ("word", 0.8264462809917354));

    [Fact] public void Break_between_words() => Check("a cat BREAK a dog", ("a cat", 1.0), ("BREAK", -1), ("a dog", 1.0));

    [Fact] public void Break_alone() => Check("BREAK", ("", 1.0), ("BREAK", -1), ("", 1.0));

    [Fact] public void Break_between_groups() => Check("(a:0.5) BREAK (b)", ("a", 0.5), ("", 1.0), ("BREAK", -1), ("", 1.0), ("b", 1.1));

    [Fact] public void Second_colon_is_text() => Check("a (b:1.2:3) c", ("a ", 1.0), ("b:1.2", 3.0), (" c", 1.0));

    [Fact] public void Spaces_around_weight() => Check("a (b : 1.3 ) c", ("a ", 1.0), ("b ", 1.3), (" c", 1.0));

    [Fact] public void Stray_colon() => Check("a: b", ("a: b", 1.0));

    [Fact] public void Weighted_group_then_text() => Check("(masterpiece, best quality:1.2), 1girl", ("masterpiece, best quality", 1.2), (", 1girl", 1.0));

    [Fact] public void Empty_prompt() => Check("", ("", 1.0));

    [Fact]
    public void Break_needs_word_boundaries_and_upper_case()
    {
        Check("BREAKING break aBREAK BREAK_", ("BREAKING break aBREAK BREAK_", 1.0));
        Check("x,BREAK,y", ("x,", 1.0), ("BREAK", -1), (",y", 1.0));
        Check("a BREAK BREAK b", ("a", 1.0), ("BREAK", -1), ("", 1.0), ("BREAK", -1), ("b", 1.0));
    }

    [Fact]
    public void Break_inside_brackets_is_scaled_and_no_longer_a_marker()
    {
        // A1111 multiplies the marker's -1 too, so the chunker then treats it as the word "BREAK".
        Check("(a BREAK b)", ("a", 1.1), ("BREAK", -1.1), ("b", 1.1));
    }

    [Fact]
    public void Other_escapes_and_unmatched_closers()
    {
        Check(@"a\b\\c", ("ab\\c", 1.0));  // "\b" drops the backslash, "\\" is one backslash
        Check("a) b] c", ("a) b] c", 1.0));
        Check("a :1.5) b", ("a :1.5) b", 1.0)); // weight syntax without an open "("
        Check("(a:-1) b", ("a", -1.0), (" b", 1.0));
        Check("[a:1.5]", ("a:1.5", 1 / 1.1)); // ':' only weights round brackets; equal weights merge
    }

    [Fact]
    public void Mixed_unclosed_brackets_apply_to_the_end()
    {
        Check("[a (b", ("a ", 1 / 1.1), ("b", 1.1 * (1 / 1.1))); // round ones first, then square ones
    }

    [Fact]
    public void Invalid_weight_number_is_a_clear_error()
    {
        var e = Assert.Throws<FormatException>(() => PromptParser.ParseAttention("(a:1.2.3)"));
        Assert.Contains("1.2.3", e.Message);
    }
}
