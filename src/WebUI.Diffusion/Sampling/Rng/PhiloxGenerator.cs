namespace WebUI.Diffusion.Sampling.Rng;

/// <summary>
/// A1111's "NV" source: Philox 4x32-10 counter-based generator with Box–Muller, imitating CUDA torch.randn
/// (a1111-reference §6.3). Element j of the k-th call uses counter [k, 0, j, 0] and key [seed lo, seed hi].
/// </summary>
public sealed class PhiloxGenerator(ulong seed) : IRandomGenerator
{
    const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85;
    // float32-rounded constants evaluated in double, as rng_philox.py does.
    static readonly double A = BitConverter.Int32BitsToSingle(0x2f800000);
    static readonly double B = BitConverter.Int32BitsToSingle(0x30c90fdb);

    public ulong Seed { get; } = seed;
    public uint Offset { get; private set; }

    public void NextGaussian(Span<float> destination)
    {
        uint k0 = (uint)Seed, k1 = (uint)(Seed >> 32), offset = Offset++;
        for (int j = 0; j < destination.Length; j++)
        {
            var (g0, g1) = Round10(offset, (uint)j, k0, k1);
            double u = g0 * A + A / 2, v = g1 * B + B / 2;
            destination[j] = (float)(Math.Sqrt(-2.0 * Math.Log(u)) * Math.Sin(v));
        }
    }

    /// <summary>The raw Philox block for counter [c0, 0, c2, 0]; exposed for the reference check values.</summary>
    internal static (uint, uint, uint, uint) Block(uint c0, uint c2, uint k0, uint k1)
    {
        uint c1 = 0, c3 = 0;
        for (int round = 0; round < 10; round++)
        {
            ulong p0 = (ulong)c0 * M0, p1 = (ulong)c2 * M1;
            uint n0 = (uint)(p1 >> 32) ^ c1 ^ k0, n1 = (uint)p1, n2 = (uint)(p0 >> 32) ^ c3 ^ k1, n3 = (uint)p0;
            c0 = n0; c1 = n1; c2 = n2; c3 = n3;
            if (round < 9) { k0 += W0; k1 += W1; }
        }
        return (c0, c1, c2, c3);
    }

    static (uint, uint) Round10(uint c0, uint c2, uint k0, uint k1)
    {
        var (a, b, _, _) = Block(c0, c2, k0, k1);
        return (a, b);
    }
}
