using WebUI.ModelForge.Architectures;

namespace WebUI.ModelForge.Tests.Architectures;

/// <summary>
/// The full-size configs must reproduce the published parameter counts exactly: any missing bias, wrong head
/// projection, skip-channel mistake or extra layer changes them. Counting builds the graphs without weights.
/// </summary>
public sealed class ParameterCountTests
{
    [Fact]
    public void Sd15UnetHasTheRealParameterCount() =>
        Assert.Equal(859_520_964, StableDiffusionFolder.CountParameters((nn, d) => UnetArchitecture.Sd15.Build(nn, d)));

    [Fact]
    public void Sd15TextEncoderIsClipLarge() =>
        Assert.Equal(123_060_480, StableDiffusionFolder.CountParameters((nn, d) => ClipTextArchitecture.Sd15.Build(nn, d)));

    [Fact]
    public void Sd15VaeHasTheRealParameterCount()
    {
        long encoder = StableDiffusionFolder.CountParameters((nn, d) => VaeArchitecture.Sd15.BuildEncoder(nn, d));
        long decoder = StableDiffusionFolder.CountParameters((nn, d) => VaeArchitecture.Sd15.BuildDecoder(nn, d));
        Assert.Equal(83_653_863, encoder + decoder);
    }

    [Fact]
    public void Sd21PartsHaveTheRealParameterCounts()
    {
        Assert.Equal(865_910_724, StableDiffusionFolder.CountParameters((nn, d) => UnetArchitecture.Sd21.Build(nn, d)));
        Assert.Equal(340_387_840, StableDiffusionFolder.CountParameters((nn, d) => ClipTextArchitecture.Sd21.Build(nn, d)));
    }

    [Fact]
    public void Sd15ShapeConstantsMatchTheArchitectures()
    {
        Assert.Equal(Sd15Shape.UnetParameters, StableDiffusionFolder.CountParameters((nn, d) => UnetArchitecture.Sd15.Build(nn, d)));
        Assert.Equal(Sd15Shape.TextEncoderParameters, StableDiffusionFolder.CountParameters((nn, d) => ClipTextArchitecture.Sd15.Build(nn, d)));
    }

    /// <summary>SDXL base: three levels with 1/2/10 transformer blocks and the text_time add-embedding (2816 → 1280).</summary>
    [Fact]
    public void SdxlUnetHasTheRealParameterCount() =>
        Assert.Equal(2_567_463_684, StableDiffusionFolder.CountParameters((nn, d) => UnetArchitecture.Sdxl.Build(nn, d)));

    /// <summary>SDXL text_encoder_2: OpenCLIP bigG (32 layers, width 1280) plus the 1280×1280 text_projection.</summary>
    [Fact]
    public void SdxlSecondTextEncoderIsBigGWithProjection() =>
        Assert.Equal(694_659_840, StableDiffusionFolder.CountParameters((nn, d) => ClipTextArchitecture.SdxlBigG.Build(nn, d)));

    [Fact]
    public void SdxlVaeIsTheSdVaeArchitecture()
    {
        long encoder = StableDiffusionFolder.CountParameters((nn, d) => VaeArchitecture.Sdxl.BuildEncoder(nn, d));
        long decoder = StableDiffusionFolder.CountParameters((nn, d) => VaeArchitecture.Sdxl.BuildDecoder(nn, d));
        Assert.Equal(83_653_863, encoder + decoder);
        Assert.Equal(0.13025, VaeArchitecture.Sdxl.ScalingFactor, 5);
    }

    /// <summary>An LCM UNet adds exactly the bias-free time_embedding.cond_proj (256 → 320) to SD 1.5's.</summary>
    [Fact]
    public void LcmUnetAddsOnlyTheConditionProjection() =>
        Assert.Equal(859_520_964 + 256 * 320,
            StableDiffusionFolder.CountParameters((nn, d) => (UnetArchitecture.Sd15 with { TimeCondProjDim = 256 }).Build(nn, d)));

    /// <summary>The 9-channel inpainting UNet differs from SD 1.5 only by conv_in's 5 extra input channels (5·320·9).</summary>
    [Fact]
    public void InpaintingUnetWidensOnlyConvIn() =>
        Assert.Equal(859_535_364,
            StableDiffusionFolder.CountParameters((nn, d) => (UnetArchitecture.Sd15 with { InChannels = 9 }).Build(nn, d)));

    /// <summary>TAESD (AutoencoderTiny): 1,222,531 parameters in the decoder, 1,222,532 in the encoder (2,445,063 in all).</summary>
    [Fact]
    public void TaesdHalvesHaveTheRealParameterCounts()
    {
        var arch = new TaesdArchitecture();
        Assert.Equal(1_222_531, StableDiffusionFolder.CountParameters((nn, _) => arch.BuildDecoder(nn, false)));
        Assert.Equal(1_222_532, StableDiffusionFolder.CountParameters((nn, _) => arch.BuildEncoder(nn, false)));
    }
}
