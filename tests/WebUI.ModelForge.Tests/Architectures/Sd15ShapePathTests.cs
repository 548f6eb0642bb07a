using WebUI.ModelForge.Architectures;

namespace WebUI.ModelForge.Tests.Architectures;

/// <summary>
/// Sd15Shape's build path (streamed UNet weights, parameter-count check, progress log) on a thin copy of the SD 1.5
/// topology: four UNet levels with three downsamples, two layers per block, cross-attention in the first three.
/// The real 4 GB build is run by hand, never in tests.
/// </summary>
public sealed class Sd15ShapePathTests
{
    static StableDiffusionSpec ThinSd15(TinyDialect dialect, int vocabSize) => new(
        Text: ClipTextArchitecture.Sd15 with { VocabSize = vocabSize, HiddenSize = 48, IntermediateSize = 192, NumLayers = 3, Heads = 4 },
        Unet: UnetArchitecture.Sd15 with { BlockOutChannels = [32, 48, 64, 64], AttentionHeads = [2, 2, 4, 4], CrossAttentionDim = 48, NormGroups = 8 },
        Vae: VaeArchitecture.Sd15 with { BlockOutChannels = [16, 16, 32, 32], NormGroups = 8 },
        Dialect: dialect,
        PadToken: TinyClipVocabulary.EndOfText);

    static (long, long, long) Expected(StableDiffusionSpec s) => (
        StableDiffusionFolder.CountParameters((nn, d) => s.Text.Build(nn, d)),
        StableDiffusionFolder.CountParameters((nn, d) => s.Unet.Build(nn, d)),
        StableDiffusionFolder.CountParameters((nn, d) => s.Vae.BuildEncoder(nn, d)) + StableDiffusionFolder.CountParameters((nn, d) => s.Vae.BuildDecoder(nn, d)));

    [Theory]
    [InlineData(TinyDialect.DiffusersFp32)]
    [InlineData(TinyDialect.Fp16)]
    public void ThinSd15BuildsLoadsAndRunsAtOddSizes(TinyDialect dialect)
    {
        using var temp = new TempDir();
        var vocab = TinyClipVocabulary.Build();
        var spec = ThinSd15(dialect, vocab.Size);
        var log = new List<string>();
        var dir = Sd15Shape.Build(temp.Sub("thin"), spec, vocab, Expected(spec), new SyncLog(log));

        Assert.Contains(log, l => l.StartsWith("unet: ") && l.Contains("parameters"));
        Assert.True(new FileInfo(Path.Combine(dir, "unet", "weights.pb")).Length > 1 << 20);
        using var unet = Ort.Load(Path.Combine(dir, "unet", "model.onnx"));
        // 6×10 latent: 3×5, 2×3, 1×2 on the way down, so every upsample must meet its skip's odd size.
        foreach (var (h, w) in new[] { (8, 8), (6, 10) })
        {
            var result = DialectIoTests.RunUnet(unet, 2, h, w, timestep: 999, contextSeed: 1);
            Assert.Equal([2, 4, h, w], result.Shape);
            DialectIoTests.AssertFiniteAndBounded(result.Data, 20);
        }
    }

    [Fact]
    public void WrongParameterCountIsReported()
    {
        using var temp = new TempDir();
        var vocab = TinyClipVocabulary.Build();
        var spec = ThinSd15(TinyDialect.DiffusersFp32, vocab.Size);
        var (text, unet, vae) = Expected(spec);
        var e = Assert.Throws<InvalidOperationException>(() => Sd15Shape.Build(temp.Sub("bad"), spec, vocab, (text, unet + 1, vae), null));
        Assert.Contains("unet", e.Message);
    }

    [Fact]
    public void MismatchedTextWidthIsRejected()
    {
        using var temp = new TempDir();
        var vocab = TinyClipVocabulary.Build();
        var spec = ThinSd15(TinyDialect.DiffusersFp32, vocab.Size) with { Unet = UnetArchitecture.Sd15 with { CrossAttentionDim = 64 } };
        var e = Assert.Throws<ArgumentException>(() => StableDiffusionFolder.Write(temp.Sub("bad"), spec, vocab));
        Assert.Contains("cross_attention_dim", e.Message);
    }

    sealed class SyncLog(List<string> lines) : IProgress<string>
    {
        public void Report(string value) { lock (lines) lines.Add(value); }
    }
}
