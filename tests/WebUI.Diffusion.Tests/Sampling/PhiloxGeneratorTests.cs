using WebUI.Diffusion.Sampling.Rng;

namespace WebUI.Diffusion.Tests.Sampling;

/// <summary>a1111-reference §6.3/§6.4: the NV source against rng_philox.py's outputs, bit for bit.</summary>
public class PhiloxGeneratorTests
{
    [Fact]
    public void RawBlocks()
    {
        Assert.Equal((0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u), PhiloxGenerator.Block(0, 0, 0, 0));
        Assert.Equal((0x844515e1u, 0xf08d6eaau, 0x0f19c053u, 0x83f875f0u), PhiloxGenerator.Block(0, 1, 0, 0));
        ulong seed = 3007236767;
        Assert.Equal((0x95e99497u, 0x6616e441u, 0xb832602cu, 0xc14e38cdu), PhiloxGenerator.Block(0, 0, (uint)seed, (uint)(seed >> 32)));
    }

    [Theory]
    [InlineData(0ul, new uint[] { 0xbf6cb6ad, 0xbed9c6af, 0xc02934c5, 0x3e14ab15, 0xbdf788dc, 0xbf1468e7, 0xbf1f732f, 0xbea8225c })]
    [InlineData(1ul, new uint[] { 0xbe97b1ba, 0x402b4aed, 0xbe103a0a, 0xbf58169d, 0x3e94c173, 0xbe915246, 0xbfba0ad5, 0x4017ea65 })]
    [InlineData(42ul, new uint[] { 0x3e46ace2, 0x400a53f3, 0xbe302e20, 0x3f595bff, 0xbff652b7, 0x3f272a0b, 0xbf2641c5, 0xbf51494a })]
    [InlineData(3007236767ul, new uint[] { 0x3f1d4c2d, 0x3dc4b2e9, 0xbee99be3, 0xbecc2386, 0xbfc675aa, 0xbf8a36fc, 0x3f819925, 0xbd97ff3e })]
    public void FirstDraw_ExactBits(ulong seed, uint[] bits)
    {
        var v = new float[4 * 8 * 8];
        new PhiloxGenerator(seed).NextGaussian(v);
        for (int i = 0; i < bits.Length; i++) Assert.Equal(bits[i], BitConverter.SingleToUInt32Bits(v[i]));
    }

    [Theory]
    [InlineData(0ul, 0.18082589f, -0.5522627f, 0.9238134f, -0.73497033f)]
    [InlineData(1ul, -0.6339837f, -0.64313126f, -0.6420136f, -1.4471009f)]
    [InlineData(42ul, 0.13913749f, -0.10821616f, -0.7174222f, 0.75664866f)]
    [InlineData(3007236767ul, 0.56948704f, -0.04864923f, -0.5542491f, -1.1631094f)]
    public void SecondDraw_UsesOffsetOne(ulong seed, float a, float b, float c, float d)
    {
        var g = new PhiloxGenerator(seed);
        var v = new float[256];
        g.NextGaussian(v);
        Assert.Equal(1u, g.Offset);
        g.NextGaussian(v);
        Assert.Equal(new[] { a, b, c, d }, v[..4]);
    }

    [Fact]
    public void ShapeOnlyChangesTheCount()
    {
        var small = new float[12];
        new PhiloxGenerator(0).NextGaussian(small);
        Assert.Equal(new[] { -0.9246624f, -0.42534396f, -2.6438458f, 0.14518388f, -0.12086651f, -0.5797257f,
            -0.6228513f, -0.32838714f, -1.074542f, -0.3631441f, -1.6710504f, 2.265505f }, small);
        Assert.Equal(-0.9246624112129211, small[0], 0);
    }
}
