using WebUI.ModelForge.Demo;

namespace WebUI.ModelForge.Tests.Demo;

[Collection(DemoCollection.Name)]
public class DemoVaeTests(DemoFixture demo)
{
    // A smooth test picture in [−1, 1]: low-frequency colour waves.
    static float[] Smooth(int h, int w)
    {
        var chw = new float[3 * h * w];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    chw[(c * h + y) * w + x] = (float)(0.7 * Math.Sin(2 * Math.PI * (x / (double)w + 0.3 * c)) * Math.Cos(Math.PI * y / h + c));
        return chw;
    }

    [Fact]
    public void Encoder_IsThe8x8MeanThenTheChannelMap()
    {
        const int h = 64, w = 96;
        var rng = new Random(3);
        var img = Enumerable.Range(0, 3 * h * w).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var expected = DemoLatentSpace.Encode(img, h, w);
        var actual = demo.EncodeImage(img, h, w);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-5);
    }

    [Fact]
    public void Decoder_IsTheExactLinearPreviewMap()
    {
        // A constant latent decodes to a constant picture: Σ_k z_k · Factors[k, c] + Bias[c], with no other gain or offset.
        float[] z4 = [0.7f, -1.2f, 0.4f, 2.0f];
        var latent = new float[4 * 8 * 8];
        for (int k = 0; k < 4; k++) Array.Fill(latent, z4[k], k * 64, 64);
        var img = demo.Decode(latent, 8, 8);
        Assert.Equal(3 * 64 * 64, img.Length);
        var map = DemoModel.LatentToRgb;
        for (int c = 0; c < 3; c++)
        {
            double expected = map.Bias[c];
            for (int k = 0; k < 4; k++) expected += z4[k] * map.Factors[k, c];
            for (int i = 0; i < 64 * 64; i++) Assert.Equal(expected, img[c * 64 * 64 + i], 1e-5);
        }
        // The hidden direction (1, 1, 1, 1)/2 is invisible to the decoder.
        var hidden = new float[4 * 8 * 8];
        for (int k = 0; k < 4; k++) Array.Fill(hidden, 3f * DemoLatentSpace.HiddenDirection[k], k * 64, 64);
        var flat = demo.Decode(hidden, 8, 8);
        for (int c = 0; c < 3; c++) Assert.Equal(map.Bias[c], flat[c * 64 * 64], 1e-5);
    }

    [Fact]
    public void ReencodingADecodedMember_LandsOnThatMember()
    {
        // img2img from a gallery picture starts next to its own member (the encoder balances energy as the gallery does).
        const int px = DemoGallery.PixelSize;
        for (int k = 0; k < demo.K; k++)
        {
            var picture = demo.Decode(demo.Member(k), DemoFixture.Size, DemoFixture.Size);
            var z = demo.EncodeImage(picture, px, px);
            Assert.Equal(k, DemoSampling.Nearest(demo, z).Member);
        }
    }

    [Fact]
    public void Encoder_BalancesEnergyAlongTheHiddenDirectionOnly()
    {
        // A flat grey picture has almost no visible latent energy: the encoder tops it up to RMS 1 along (1,1,1,1)/2.
        const int h = 32, w = 48;
        var grey = Enumerable.Repeat(0.1f, 3 * h * w).ToArray();
        var z = demo.EncodeImage(grey, h, w);
        Assert.Equal(1.0, Math.Sqrt(z.Average(v => (double)v * v)), 1e-4);
        var back = demo.Decode(z, h / 8, w / 8);
        Assert.All(back, v => Assert.Equal(0.1, v, 1e-4));
    }

    [Fact]
    public void DecodeOfEncode_ReproducesASmoothPicture()
    {
        const int h = 128, w = 192;
        var img = Smooth(h, w);
        var back = demo.Decode(demo.EncodeImage(img, h, w), h / 8, w / 8);
        Assert.Equal(img.Length, back.Length);
        double worst = 0, sum = 0;
        for (int i = 0; i < img.Length; i++) { double d = Math.Abs(img[i] - back[i]); worst = Math.Max(worst, d); sum += d; }
        Assert.True(sum / img.Length < 0.01, $"mean error {sum / img.Length:F4}");   // ≈ 1 level
        Assert.True(worst < 0.08, $"max error {worst:F4}");                          // at the borders, where the upsampler clamps
    }

    [Theory]
    [InlineData(0, 2.5)]     // orange sunset
    [InlineData(20, 2.0)]    // red circle, centred
    [InlineData(45, 2.5)]    // green hills
    [InlineData(37, 8.0)]    // shore break: foam and sand texture finer than the 8× VAE keeps
    public void GalleryMembers_DecodeToTheirDrawings(int k, double maxMeanLevels)
    {
        const int n = DemoGallery.DrawSize, f = DemoGallery.PixelSize / DemoGallery.DrawSize;
        var scene = DemoGallery.Scenes[k];
        var drawn = DemoGallery.Draw(scene, n);
        // The member's visible part is exactly the drawing's block means (balancing only adds the hidden direction).
        var blocks = DemoLatentSpace.ToRgbAtLatentResolution(DemoLatentSpace.EncodeBlocks(drawn, n, n, n / DemoFixture.Size), DemoFixture.Size, DemoFixture.Size);
        var visible = DemoLatentSpace.ToRgbAtLatentResolution(demo.Member(k), DemoFixture.Size, DemoFixture.Size);
        for (int i = 0; i < blocks.Length; i++) Assert.Equal(blocks[i], visible[i], 1e-5);
        // Decoded at 512², the member is the drawing seen through the VAE's 8× blur.
        var decoded = DemoReference.ToBytes(demo.Decode(demo.Member(k), DemoFixture.Size, DemoFixture.Size));
        var picture = DemoReference.ToBytes(drawn);
        double sum = 0;
        int size = DemoGallery.PixelSize;
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                    sum += Math.Abs(decoded[(c * size + y) * size + x] - picture[(c * n + y / f) * n + x / f]);
        double mean = sum / decoded.Length;
        Assert.True(mean < maxMeanLevels, $"{scene.Name}: decoded differs from the drawing by {mean:F2} levels on average");
    }
}
