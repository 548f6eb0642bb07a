using System.Text.Json;
using WebUI.Tests.Support;

namespace WebUI.Tests.Cli;

/// <summary>`webui prompt` against A1111's doctest vectors (a1111-reference §3.1, §3.3).</summary>
public sealed class PromptCliTests
{
    [Fact]
    public async Task Prints_attention_fragments_and_the_schedule_as_A1111_computes_them()
    {
        var run = await CliRunner.RunAsync("prompt", "--steps", "10", "a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(
            """{"attention": [["a ", 1.0], ["house", 1.5730000000000004], [" ", 1.1], ["on", 1.0], [" a ", 1.1], ["hill", 0.55], [", sun, ", 1.1], ["sky", 1.4641000000000006], [".", 1.1]], "schedules": [[10, "a (((house:1.3)) [on] a (hill:0.5), sun, (((sky)))."]]}""",
            run.Out.Trim());
    }

    [Fact]
    public async Task Schedules_follow_the_step_count()
    {
        var run = await CliRunner.RunAsync("prompt", "--steps", "10", "a[b:[c:d:2]:1]e");
        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.Out);
        var schedules = json.RootElement.GetProperty("schedules").EnumerateArray()
            .Select(e => (e[0].GetInt32(), e[1].GetString())).ToList();
        Assert.Equal([(1, "abe"), (2, "ace"), (10, "ade")], schedules);

        var alternation = await CliRunner.RunAsync("prompt", "--steps", "5", "[cat|dog|bird]");
        using var alt = JsonDocument.Parse(alternation.Out);
        Assert.Equal(["cat", "dog", "bird", "cat", "dog"], alt.RootElement.GetProperty("schedules").EnumerateArray().Select(e => e[1].GetString()));
    }

    [Fact]
    public async Task Break_is_a_fragment_of_weight_minus_one()
    {
        var run = await CliRunner.RunAsync("prompt", "a cat BREAK a dog");
        Assert.Contains("""{"attention": [["a cat", 1.0], ["BREAK", -1.0], ["a dog", 1.0]], "schedules": [[20, "a cat BREAK a dog"]]}""", run.Out);
    }

    [Fact]
    public async Task Bad_steps_are_a_usage_error()
    {
        var run = await CliRunner.RunAsync("prompt", "--steps", "0", "x");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--steps must be at least 1", run.Error);
    }
}
