using System.Diagnostics;
using WebUI.ModelForge.Tests.Architectures;

namespace WebUI.ModelForge.Tests.Families;

/// <summary>What `webui forge tiny` writes: every tiny folder under its name, plus the separate VAE and TAESD files.</summary>
public sealed class BuildAllTests
{
    [Fact]
    public void WritesEveryFamilyUnderItsName()
    {
        using var temp = new TempDir();
        var clock = Stopwatch.StartNew();
        var written = TinyModels.BuildAll(temp.Sub("Stable-diffusion"), temp.Sub("VAE"), temp.Sub("VAE-approx"));
        clock.Stop();

        var names = TinyModels.All.Select(f => f.Name).ToArray();
        Assert.Equal(names.Length, names.Distinct().Count());
        Assert.Equal(names.Length + 1 + 4, written.Count);
        Assert.Equal(names, written.Take(names.Length).Select(Path.GetFileName));
        foreach (var family in (string[])["tiny-sdxl", "tiny-sdxl-refiner", "tiny-sdxl-turbo", "tiny-sd-turbo", "tiny-lcm",
                     "tiny-sd15-inpainting", "tiny-diffusers-fp32", "tiny-sd21-v"])
            Assert.Contains(family, names);
        foreach (var dir in written.Take(names.Length))
        {
            Assert.True(File.Exists(Path.Combine(dir, "unet", "model.onnx")), dir);
            Assert.True(File.Exists(Path.Combine(dir, "model_index.json")), dir);
            Assert.True(File.Exists(Path.Combine(dir, "vae_decoder", "model.onnx")), dir);
        }
        Assert.Equal(Path.Combine(temp.Sub("VAE"), TinyModels.StandaloneVaeName), written[names.Length]);
        Assert.All(written.Skip(names.Length + 1), f => Assert.EndsWith(".onnx", f));
        // Tiny means fast: about a quarter of a second per folder on a developer machine; generous for shared CI.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"building everything took {clock.Elapsed}");
    }
}
