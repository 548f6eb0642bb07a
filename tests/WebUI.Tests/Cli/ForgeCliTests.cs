using WebUI.Tests.Support;

namespace WebUI.Tests.Cli;

public sealed class ForgeCliTests
{
    [Fact]
    public async Task Forge_tiny_writes_one_model_folder_per_dialect_plus_sd21_v()
    {
        using var dir = new TempDirectory();
        var run = await CliRunner.RunAsync("forge", "tiny", "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.Error);
        string[] expected = ["tiny-diffusers-fp32", "tiny-optimum-fp32", "tiny-fp16", "tiny-legacy-int64-timestep", "tiny-sd21-v"];
        Assert.Equal(expected.Select(name => dir.Combine(name)), run.OutLines);
        foreach (string folder in run.OutLines)
        {
            Assert.True(File.Exists(Path.Combine(folder, "model_index.json")), folder);
            Assert.True(Directory.EnumerateFiles(Path.Combine(folder, "unet"), "*.onnx").Any(), folder);
        }

        // A second run must not mix files into the existing folders.
        var again = await CliRunner.RunAsync("forge", "tiny", "--out", dir.Path);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already exists", again.Error);
    }
}
