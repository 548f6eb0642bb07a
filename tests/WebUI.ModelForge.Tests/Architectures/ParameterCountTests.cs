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
}
