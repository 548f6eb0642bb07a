using System.Text.Json;
using WebUI.Diffusion.Sampling;
using WebUI.Tests.Support;

namespace WebUI.Tests.Cli;

/// <summary>Every sampler of A1111's list generates on the demo model through `webui generate` (64×64, few steps).</summary>
[Collection(DemoDataDirCollection.Name)]
public sealed class SamplerCliTests(DemoDataDir data)
{
    public static TheoryData<string> Samplers => new(SamplerCatalog.Names);

    [Theory]
    [MemberData(nameof(Samplers))]
    public async Task Each_sampler_generates_a_picture_recorded_under_its_name(string sampler)
    {
        using var outDir = new TempDirectory();
        var run = await CliRunner.RunAsync("generate", "--data-dir", data.Path, "--prompt", "a sunset over the sea", "--sampler", sampler,
            "--steps", "3", "--seed", "1", "--width", "64", "--height", "64", "--out", outDir.Path);
        Assert.True(run.ExitCode == 0, $"{sampler}: {run.Error}");
        var info = await CliRunner.RunAsync("png-info", Assert.Single(run.OutLines));
        using var json = JsonDocument.Parse(info.Out);
        Assert.Equal(sampler, json.RootElement.GetProperty("parameters").GetProperty("Sampler").GetString());
        Assert.Equal("64", json.RootElement.GetProperty("parameters").GetProperty("Size-1").GetString());
    }
}
