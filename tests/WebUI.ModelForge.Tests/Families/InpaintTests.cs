using Microsoft.ML.OnnxRuntime;
using WebUI.ModelForge.Tests.Architectures;
using static WebUI.ModelForge.Tests.Families.FamilyIo;

namespace WebUI.ModelForge.Tests.Families;

/// <summary>
/// The 9-channel inpainting UNet (diffusion-reference §5.3): sample = latents ‖ mask ‖ masked-image latents.
/// The diffusers dialect leaves the channel axis dynamic (readers probe), Optimum fixes it and writes in_channels 9.
/// </summary>
[Collection(TinyFamiliesCollection.Name)]
public sealed class InpaintTests(TinyFamilies families)
{
    const int H = 8, W = 8, Plane = H * W;

    [Fact]
    public void DiffusersDialectDeclaresADynamicChannelAxisAndNoConfig()
    {
        var dir = families.Sd15Inpaint(TinyDialect.DiffusersFp32);
        using var unet = Open(dir, "unet");
        AssertIo(unet.InputMetadata,
            new Io("sample", F32, "batch", "channels", "height", "width"),
            new Io("timestep", F32, "batch"),
            new Io("encoder_hidden_states", F32, "batch", "sequence", 32));
        AssertIo(unet.OutputMetadata, new Io("out_sample", F32, "batch", AnySize, "height", "width"));
        Assert.False(File.Exists(Path.Combine(dir, "unet", "config.json")));
        Assert.Equal("OnnxStableDiffusionInpaintPipeline", Json(dir, "model_index.json").GetProperty("_class_name").GetString());
    }

    [Fact]
    public void OptimumDialectFixesNineChannelsAndWritesInChannels()
    {
        var dir = families.Sd15Inpaint(TinyDialect.OptimumFp32);
        using var unet = Open(dir, "unet");
        AssertIo(unet.InputMetadata,
            new Io("sample", F32, "batch_size", 9, "height", "width"),
            new Io("timestep", F32),
            new Io("encoder_hidden_states", F32, "batch_size", "sequence_length", 32));
        AssertIo(unet.OutputMetadata, new Io("out_sample", F32, "batch_size", 4, "height", "width"));
        var config = Json(dir, "unet/config.json");
        Assert.Equal(9, config.GetProperty("in_channels").GetInt32());
        Assert.Equal(4, config.GetProperty("out_channels").GetInt32());
        Assert.Equal("StableDiffusionInpaintPipeline", Json(dir, "model_index.json").GetProperty("_class_name").GetString());
    }

    [Theory]
    [InlineData(TinyDialect.DiffusersFp32)]
    [InlineData(TinyDialect.OptimumFp32)]
    public void RunsWithNineChannelsAndFollowsTheMaskAndMaskedImage(TinyDialect dialect)
    {
        using var unet = Open(families.Sd15Inpaint(dialect), "unet");
        foreach (int batch in (int[])[1, 2])
        {
            var result = new UnetInputs(batch, H, W) { Channels = 9, Sample = Sample(batch, mask: 1) }.Run(unet);
            Assert.Equal([batch, 4, H, W], result.Shape);
            DialectIoTests.AssertFiniteAndBounded(result.Data, 100);
        }
        var repaintAll = new UnetInputs { Channels = 9, Sample = Sample(1, mask: 1) }.Run(unet).Data;
        var keepAll = new UnetInputs { Channels = 9, Sample = Sample(1, mask: 0) }.Run(unet).Data;
        Assert.True(DialectIoTests.MaxAbsDiff(repaintAll, keepAll) > 1e-3, "the mask channel does not reach the output");

        var otherImage = Sample(1, mask: 1);
        for (int i = 5 * Plane; i < 9 * Plane; i++) otherImage[i] = -otherImage[i];
        var changed = new UnetInputs { Channels = 9, Sample = otherImage }.Run(unet).Data;
        Assert.True(DialectIoTests.MaxAbsDiff(repaintAll, changed) > 1e-3, "the masked-image latents do not reach the output");
    }

    /// <summary>A 4-channel call fails in both dialects: that failure is how readers tell 9 from 4 without a config.</summary>
    [Theory]
    [InlineData(TinyDialect.DiffusersFp32)]
    [InlineData(TinyDialect.OptimumFp32)]
    public void AFourChannelCallIsRejected(TinyDialect dialect)
    {
        using var unet = Open(families.Sd15Inpaint(dialect), "unet");
        Assert.Throws<OnnxRuntimeException>(() => new UnetInputs { Channels = 4 }.Run(unet));
    }

    /// <summary>Latents (noise), a constant mask plane (1 = repaint), masked-image latents (other noise).</summary>
    static double[] Sample(int batch, double mask)
    {
        var latents = Ort.Noise(batch * 4 * Plane, 1);
        var image = Ort.Noise(batch * 4 * Plane, 2);
        var sample = new double[batch * 9 * Plane];
        for (int b = 0; b < batch; b++)
        {
            Array.Copy(latents, b * 4 * Plane, sample, b * 9 * Plane, 4 * Plane);
            Array.Fill(sample, mask, b * 9 * Plane + 4 * Plane, Plane);
            Array.Copy(image, b * 4 * Plane, sample, b * 9 * Plane + 5 * Plane, 4 * Plane);
        }
        return sample;
    }
}
