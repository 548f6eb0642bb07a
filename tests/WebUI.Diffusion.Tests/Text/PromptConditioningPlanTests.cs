using WebUI.Diffusion.Text;

namespace WebUI.Diffusion.Tests.Text;

public class PromptConditioningPlanTests
{
    [Fact]
    public void Schedules_and_parts_map_to_distinct_texts_per_call()
    {
        var plan = PromptConditioningPlan.Create("a [cat:dog:3] AND b:0.5", "ugly [x|y]", 6);
        Assert.Equal(["a cat", "a dog", " b", "ugly x", "ugly y"], plan.Texts);
        Assert.Equal(6, plan.Steps);

        Assert.Equal([(0, 1.0), (2, 0.5)], plan.PositiveAt(0));
        Assert.Equal([(0, 1.0), (2, 0.5)], plan.PositiveAt(3)); // [b:3] keeps "before" through call 3
        Assert.Equal([(1, 1.0), (2, 0.5)], plan.PositiveAt(4));
        Assert.Equal([3, 3, 4, 3, 4, 3, 4], Enumerable.Range(0, 7).Select(plan.NegativeAt));
        Assert.Equal([0, 2, 3, 4, 5, 6], plan.ChangePoints);
    }

    [Fact]
    public void Extra_networks_leave_the_positive_prompt_only()
    {
        var plan = PromptConditioningPlan.Create("<lora:foo:0.7> a cat", "<lora:bar:1> blurry", 20);
        Assert.Equal(["foo", "0.7"], plan.ExtraNetworks.Single().Args);
        Assert.Equal([" a cat", "<lora:bar:1> blurry"], plan.Texts);
        Assert.Equal([0], plan.ChangePoints);
    }

    [Fact]
    public void Identical_parts_and_negative_share_one_text()
    {
        // AND parts keep their leading space, so "a cat" and " a cat" are different texts.
        var plan = PromptConditioningPlan.Create("a cat:2 AND a cat AND a cat", " a cat", 10);
        Assert.Equal(["a cat", " a cat"], plan.Texts);
        Assert.Equal([(0, 2.0), (1, 1.0), (1, 1.0)], plan.PositiveAt(5));
        Assert.Equal(1, plan.NegativeAt(5));
    }

    [Fact]
    public void Hires_plan_counts_in_hires_calls()
    {
        var plan = PromptConditioningPlan.Create("a [cat:dog:1.5] x", "", 20, hiresSteps: 10);
        Assert.Equal(10, plan.Steps);
        Assert.Equal(["a cat x", "a dog x", ""], plan.Texts);
        Assert.Equal(0, plan.PositiveAt(5)[0].TextIndex);
        Assert.Equal(1, plan.PositiveAt(6)[0].TextIndex);
    }
}
