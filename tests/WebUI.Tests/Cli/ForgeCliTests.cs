using WebUI.Tests.Support;

namespace WebUI.Tests.Cli;

public sealed class ForgeCliTests
{
    [Fact]
    public async Task Forge_tiny_writes_every_tiny_family_folder()
    {
        using var dir = new TempDirectory();
        var run = await CliRunner.RunAsync("forge", "tiny", "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.Error);
        string[] expected = [.. ModelForge.TinyModels.All.Select(f => f.Name)];
        Assert.Subset(expected.ToHashSet(), new HashSet<string> { "tiny-diffusers-fp32", "tiny-optimum-fp32", "tiny-fp16",
            "tiny-legacy-int64-timestep", "tiny-sd21-v", "tiny-sdxl", "tiny-sdxl-refiner", "tiny-lcm", "tiny-sd15-inpainting" });
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

    [Fact]
    public async Task Bench_and_generate_run_a_model_given_as_a_folder_path()
    {
        using var dir = new TempDirectory();
        var forge = await CliRunner.RunAsync("forge", "tiny", "--data-dir", dir.Path);
        Assert.True(forge.ExitCode == 0, forge.Error);
        string model = Path.Combine(dir.Path, "models", "Stable-diffusion", "tiny-optimum-fp32");
        Assert.Contains(model, forge.OutLines);

        var bench = await CliRunner.RunAsync("bench", "--data-dir", dir.Path, "--model", model, "--steps", "3", "--size", "64");
        Assert.True(bench.ExitCode == 0, bench.Error);
        Assert.Contains("model: tiny-optimum-fp32 (sd1), 64x64, 3 steps", bench.Out);
        var calls = System.Text.RegularExpressions.Regex.Match(bench.Out, @"UNet runs: [0-9.]+ s in (\d+) calls");
        Assert.True(calls.Success, bench.Out);
        Assert.InRange(int.Parse(calls.Groups[1].Value), 3, 6); // one call per step, two when the batch axis is fixed
        Assert.Contains("peak working set:", bench.Out);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "outputs")), "bench must not save pictures");

        using var outDir = new TempDirectory();
        var generate = await CliRunner.RunAsync("generate", "--data-dir", dir.Path, "--model", model, "--prompt", "a cat",
            "--steps", "3", "--seed", "7", "--width", "64", "--height", "64", "--out", outDir.Path);
        Assert.True(generate.ExitCode == 0, generate.Error);
        Assert.Equal(outDir.Combine("00000-7.png"), Assert.Single(generate.OutLines));
    }
}
