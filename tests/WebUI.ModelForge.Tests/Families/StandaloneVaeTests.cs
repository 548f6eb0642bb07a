using WebUI.ModelForge.Tests.Architectures;
using static WebUI.ModelForge.Tests.Families.FamilyIo;

namespace WebUI.ModelForge.Tests.Families;

/// <summary>The separate VAE folder: only the two VAE parts, compatible with the tiny SD 1.5 latents, weights of its own.</summary>
[Collection(TinyFamiliesCollection.Name)]
public sealed class StandaloneVaeTests(TinyFamilies families)
{
    [Fact]
    public void HoldsOnlyTheVaePartsWithConfigs()
    {
        var dir = families.StandaloneVae();
        Assert.Equal(["vae_decoder", "vae_encoder"], Directory.GetDirectories(dir).Select(Path.GetFileName).Order());
        Assert.Empty(Directory.GetFiles(dir));
        foreach (var part in (string[])["vae_encoder", "vae_decoder"])
        {
            var config = Json(dir, $"{part}/config.json");
            Assert.Equal(0.18215, config.GetProperty("scaling_factor").GetDouble(), 6);
            Assert.Equal(4, config.GetProperty("latent_channels").GetInt32());
            Assert.Equal("AutoencoderKL", config.GetProperty("_class_name").GetString());
        }
        using var dec = Open(dir, "vae_decoder");
        AssertIo(dec.InputMetadata, new Io("latent_sample", F32, "batch", "channels", "height", "width"));
        using var enc = Open(dir, "vae_encoder");
        AssertIo(enc.OutputMetadata, new Io("latent_sample", F32, "batch", 4, "latent_height", "latent_width"));
    }

    [Fact]
    public void DecodesTheTinySd15LatentsDifferentlyFromTheBuiltInVae()
    {
        var vae = families.StandaloneVae();
        var model = families.Sd15(TinyDialect.DiffusersFp32);
        using var own = Open(vae, "vae_decoder");
        using var builtIn = Open(model, "vae_decoder");
        using var unet = Open(model, "unet");
        // The UNet's latent shape is what the separate decoder must accept.
        var latent = new UnetInputs(2).Run(unet);
        var z = latent.Data.Select(v => (double)v).ToArray();
        var a = Ort.Run(own, ("latent_sample", Ort.Tensor(F32, z, latent.Shape)))["sample"];
        var b = Ort.Run(builtIn, ("latent_sample", Ort.Tensor(F32, z, latent.Shape)))["sample"];
        Assert.Equal([2, 3, 64, 64], a.Shape);
        Assert.Equal(b.Shape, a.Shape);
        DialectIoTests.AssertFiniteAndBounded(a.Data, 10);
        Assert.True(DialectIoTests.MaxAbsDiff(a.Data, b.Data) > 1e-2, "the separate VAE must have weights of its own");

        using var enc = Open(vae, "vae_encoder");
        var image = Ort.Run(enc, ("sample", Ort.Tensor(F32, Ort.Noise(3 * 64 * 64, 8), [1, 3, 64, 64])))["latent_sample"];
        Assert.Equal([1, 4, 8, 8], image.Shape);
    }
}
