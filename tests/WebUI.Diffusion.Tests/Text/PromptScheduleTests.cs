using WebUI.Diffusion.Text;

namespace WebUI.Diffusion.Tests.Text;

/// <summary>Prompt editing schedules: every vector of a1111-reference §3.1.</summary>
public class PromptScheduleTests
{
    static void Check(string prompt, int steps, int? hires, params (int, string)[] expected)
    {
        Assert.Equal(expected, PromptSchedule.Get(prompt, steps, hires));
    }

    static (int, string)[] Cycle(int steps, params string[] options) =>
        Enumerable.Range(1, steps).Select(t => (t, options[(t - 1) % options.Length])).ToArray();

    // Doctests (steps = 10)
    [Fact] public void Plain() => Check("test", 10, null, (10, "test"));
    [Fact] public void To_when() => Check("a [b:3]", 10, null, (3, "a "), (10, "a b"));
    [Fact] public void Space_before_number() => Check("a [b: 3]", 10, null, (3, "a "), (10, "a b"));
    [Fact] public void Emphasis_inside_schedule() => Check("a [[[b]]:2]", 10, null, (2, "a "), (10, "a [[b]]"));
    [Fact] public void Weighted_group_scheduled() => Check("[(a:2):3]", 10, null, (3, ""), (10, "(a:2)"));
    [Fact] public void Spaces_kept_in_texts() => Check("a [b : c : 1] d", 10, null, (1, "a b  d"), (10, "a  c  d"));
    [Fact] public void Nested_schedules() => Check("a[b:[c:d:2]:1]e", 10, null, (1, "abe"), (2, "ace"), (10, "ade"));
    [Fact] public void Unbalanced_is_literal() => Check("a [unbalanced", 10, null, (10, "a [unbalanced"));
    [Fact] public void Fraction() => Check("a [b:.5] c", 10, null, (5, "a  c"), (10, "a b c"));
    [Fact] public void Pipe_and_braces_as_text_lark_1_1_2() => Check("a [{b|d{:.5] c", 10, null, (5, "a  c"), (10, "a {b|d{ c"));
    [Fact] public void Stray_brackets_then_schedule() => Check("((a][:b:c [d:3]", 10, null, (3, "((a][:b:c "), (10, "((a][:b:c d"));
    [Fact] public void Alternation_with_emphasis() => Check("[a|(b:1.1)]", 10, null, Cycle(10, "a", "(b:1.1)"));
    [Fact] public void Alternation_with_empty_option() => Check("[fe|]male", 10, null, Cycle(10, "female", "male"));
    [Fact] public void Alternation_with_three_empty_options() => Check("[fe|||]male", 10, null, Cycle(10, "female", "male", "male", "male"));
    [Fact] public void Hires_fraction_below_one_is_before_hires() => Check("a [b:.5] c", 10, 10, (10, "a b c"));
    [Fact] public void Hires_fraction_above_one() => Check("a [b:1.5] c", 10, 10, (5, "a  c"), (10, "a b c"));

    // Additional vectors (computed with v1.10.1)
    [Fact]
    public void Fantasy_landscape() => Check(
        "fantasy landscape with a [mountain:lake:0.25] and [an oak:a christmas tree:0.75][ in foreground::0.6][: in background:0.25] [shoddy:masterful:0.5]",
        100, null,
        (25, "fantasy landscape with a mountain and an oak in foreground shoddy"),
        (50, "fantasy landscape with a lake and an oak in foreground in background shoddy"),
        (60, "fantasy landscape with a lake and an oak in foreground in background masterful"),
        (75, "fantasy landscape with a lake and an oak in background masterful"),
        (100, "fantasy landscape with a lake and a christmas tree in background masterful"));

    [Fact] public void Absolute_step() => Check("a [cat:dog:10] on a mat", 20, null, (10, "a cat on a mat"), (20, "a dog on a mat"));
    [Fact] public void Fraction_step() => Check("a [cat:dog:0.5] on a mat", 20, null, (10, "a cat on a mat"), (20, "a dog on a mat"));
    [Fact] public void Fraction_truncates() => Check("a [red:0.3] car", 20, null, (6, "a  car"), (20, "a red car"));
    [Fact] public void Remove_after() => Check("a [red::5] car", 20, null, (5, "a red car"), (20, "a  car"));
    [Fact] public void Three_way_alternation() => Check("[cat|dog|bird]", 5, null, (1, "cat"), (2, "dog"), (3, "bird"), (4, "cat"), (5, "dog"));
    [Fact] public void Schedule_inside_weight() => Check("(a [cat:dog:3]:1.2)", 6, null, (3, "(a cat:1.2)"), (6, "(a dog:1.2)"));
    [Fact] public void Zero_is_not_a_boundary() => Check("a [cat:dog:0] b", 10, null, (10, "a dog b"));
    [Fact] public void One_point_zero_is_all_steps() => Check("a [cat:dog:1.0] b", 10, null, (10, "a cat b"));
    [Fact] public void Clamped_to_steps() => Check("a [cat:dog:30] b", 10, null, (10, "a cat b"));
    [Fact] public void Hires_integer_counts_on_from_base() => Check("a [cat:dog:25] x", 20, 10, (5, "a cat x"), (10, "a dog x"));
    [Fact] public void Hires_fraction_counts_from_one() => Check("a [cat:dog:1.5] x", 20, 10, (5, "a cat x"), (10, "a dog x"));
    [Fact] public void Hires_fraction_in_base_pass() => Check("a [cat:dog:0.5] x", 20, 10, (10, "a dog x"));

    [Fact]
    public void Old_scheduling_treats_values_below_one_as_fractions()
    {
        Assert.Equal([(5, "a cat b"), (10, "a dog b")], PromptSchedule.Get("a [cat:dog:0.5] b", 10, useOldScheduling: true));
        // 1.0 is not below 1, so it is step 1 (the new scheduling reads "1.0" as all ten steps).
        Assert.Equal([(1, "a cat b"), (10, "a dog b")], PromptSchedule.Get("a [cat:dog:1.0] b", 10, useOldScheduling: true));
        Assert.Equal([(3, "a cat b"), (10, "a dog b")], PromptSchedule.Get("a [cat:dog:3] b", 10, hiresSteps: 10, useOldScheduling: true));
    }

    [Fact]
    public void Escapes_and_edge_numbers()
    {
        Check(@"a \[b:3\] c", 10, null, (10, @"a \[b:3\] c"));   // escaped brackets are plain text
        Check("a [b:1e1] c", 10, null, (10, "a  c"));              // exponent without '.' is a step
        Check("a [b:-3] c", 10, null, (10, "a b c"));              // negative: never a boundary, always "to"
        Check("a [b:1e999] c", 10, null, (10, "a  c"));            // clamps instead of overflowing
        Check("a [b:x] c", 10, null, (10, "a [b:x] c"));           // not a number: literal
        Check("a [b|c:3] d", 4, null, (3, "a  d"), (4, "a b|c d")); // '|' is text outside alternation
        Check("a\\", 10, null, (10, "a\\"));                       // lone trailing backslash: unparsable, kept
        Check("[a:b:2] and [c|d]", 3, null, (1, "a and c"), (2, "a and d"), (3, "b and c"));
    }

    [Fact]
    public void Deep_nesting_is_linear_and_bounded()
    {
        var deep = new string('[', 150) + "x:2" + new string(']', 150);
        // Emphasis brackets around one schedule: they stay, the innermost [x:2] switches from "" to "x".
        string outer = new string('[', 149), close = new string(']', 149);
        Assert.Equal([(2, outer + close), (10, outer + "x" + close)], PromptSchedule.Get(deep, 10));
        var tooDeep = new string('(', 5000) + "x" + new string(')', 5000);
        Assert.Equal([(10, tooDeep)], PromptSchedule.Get(tooDeep, 10));
    }

    [Fact]
    public void Text_at_uses_first_entry_not_before_the_call()
    {
        var s = PromptSchedule.Get("a [b:3]", 10);
        Assert.Equal(["a ", "a ", "a ", "a ", "a b", "a b"], Enumerable.Range(0, 6).Select(i => PromptSchedule.TextAt(s, i)));
        Assert.Equal("a ", PromptSchedule.TextAt(s, 11)); // past the end: A1111 falls back to the first entry
    }
}
