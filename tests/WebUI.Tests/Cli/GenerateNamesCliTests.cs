using System.Text.Json;
using WebUI.Diffusion.Sampling;
using WebUI.Tests.Support;

namespace WebUI.Tests.Cli;

/// <summary>`webui generate`'s --rng and its sampler/scheduler names: listed in --help, unknown ones are usage errors.</summary>
[Collection(DemoDataDirCollection.Name)]
public sealed class GenerateNamesCliTests(DemoDataDir data)
{
    [Fact]
    public async Task Help_lists_every_sampler_and_schedule_type_and_the_rng_choices()
    {
        var run = await CliRunner.RunAsync("generate", "--help");
        Assert.Equal(0, run.ExitCode);
        string help = string.Join(" ", run.Out.Split('\n').Select(l => l.Trim())); // descriptions wrap at the console width
        foreach (var name in SamplerCatalog.Names) Assert.Contains(name, help);
        foreach (var label in SamplerCatalog.SchedulerLabels) Assert.Contains(label, help);
        Assert.Contains("--rng", help);
        Assert.Contains("gpu (default), cpu or nv", help);
    }

    [Theory]
    [InlineData("--sampler", "Euler z", "Samplers:")]
    [InlineData("--scheduler", "Wobbly", "Schedule types:")]
    [InlineData("--rng", "tpu", "--rng must be gpu, cpu or nv")]
    public async Task Unknown_names_exit_2_with_the_valid_ones(string option, string value, string expected)
    {
        var run = await CliRunner.RunAsync("generate", "--data-dir", data.Path, "--prompt", "x", option, value, "--width", "64", "--height", "64");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Error);
        if (option == "--sampler") Assert.Contains("DPM++ 2M SDE Heun", run.Error);
        if (option == "--scheduler") Assert.Contains("Karras", run.Error);
    }

    [Fact]
    public async Task Rng_cpu_is_recorded_in_the_infotext()
    {
        using var outDir = new TempDirectory();
        var run = await CliRunner.RunAsync("generate", "--data-dir", data.Path, "--prompt", "a sunset", "--rng", "cpu", "--sampler", "Euler",
            "--steps", "2", "--seed", "1", "--width", "64", "--height", "64", "--out", outDir.Path);
        Assert.True(run.ExitCode == 0, run.Error);
        var info = await CliRunner.RunAsync("png-info", Assert.Single(run.OutLines));
        using var json = JsonDocument.Parse(info.Out);
        Assert.Equal("CPU", json.RootElement.GetProperty("parameters").GetProperty("RNG").GetString());
        Assert.Equal("Euler", json.RootElement.GetProperty("parameters").GetProperty("Sampler").GetString());
    }
}
