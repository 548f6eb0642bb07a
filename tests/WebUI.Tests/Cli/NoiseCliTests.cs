using System.Text.Json;
using WebUI.Tests.Support;

namespace WebUI.Tests.Cli;

/// <summary>`webui noise` against the reference draws (a1111-reference §6.4 for NV, torch-cpu-randn.md for CPU).</summary>
public sealed class NoiseCliTests
{
    static float[][] Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateArray().Select(d => d.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
    }

    [Fact]
    public async Task Nv_draws_match_A1111s_philox_vectors_including_the_second_call()
    {
        var run = await CliRunner.RunAsync("noise", "--source", "nv", "--seed", "0", "--shape", "4,8,8", "--calls", "2");
        Assert.True(run.ExitCode == 0, run.Error);
        var draws = Parse(run.Out);
        Assert.Equal(2, draws.Length);
        Assert.All(draws, d => Assert.Equal(256, d.Length));
        Assert.Equal([-0.9246624f, -0.42534396f, -2.6438458f, 0.14518388f, -0.12086651f, -0.5797257f, -0.6228513f, -0.32838714f], draws[0][..8]);
        Assert.Equal([0.18082589f, -0.5522627f, 0.9238134f, -0.73497033f], draws[1][..4]);

        var big = Parse((await CliRunner.RunAsync("noise", "--source", "NV", "--seed", "3007236767", "--shape", "4,8,8")).Out);
        Assert.Equal([0.6144436f, 0.09604437f, -0.45626745f, -0.39870852f], big.Single()[..4]);
    }

    [Fact]
    public async Task Cpu_draws_match_torch_manual_seed_randn()
    {
        var run = await CliRunner.RunAsync("noise", "--source", "cpu", "--seed", "0", "--shape", "4,4");
        Assert.True(run.ExitCode == 0, run.Error);
        float[] expected = [-1.1258f, -1.1524f, -0.2506f, -0.4339f, 0.8487f, 0.6920f, -0.3160f, -2.1152f, 0.3223f, -1.2633f, 0.3500f, 0.3081f, 0.1198f, 1.2377f, 1.1168f, -0.2473f];
        var draw = Parse(run.Out).Single();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], draw[i], 1e-4f);
    }

    [Theory]
    [InlineData("--source", "tpu", "--source must be nv or cpu")]
    [InlineData("--shape", "4,x", "--shape must be positive integers")]
    [InlineData("--calls", "0", "Calls must be at least 1")]
    public async Task Bad_arguments_are_usage_errors(string option, string value, string message)
    {
        var run = await CliRunner.RunAsync("noise", option, value);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error);
    }
}
