namespace WebUI.Diffusion.Sampling.Rng;

/// <summary>
/// A1111's "CPU" source: PyTorch's CPU generator (<c>torch.Generator("cpu").manual_seed(seed)</c>) and its
/// <c>torch.randn</c> for float32 tensors, per torch-cpu-randn.md: mt19937 seeded with the low 32 bits; tensors of
/// ≥ 16 elements use the vectorized Box–Muller over 16-blocks (with the recomputed tail block), smaller ones the
/// scalar double Box–Muller whose cached partner lives in the generator. Scalar float math (logf/cosf/sinf) is used,
/// which matches PyTorch's AVX2 kernels to ~1 float32 ulp.
/// </summary>
public sealed class TorchCpuGenerator : IRandomGenerator
{
    const int N = 624, M = 397;
    const uint MatrixA = 0x9908B0DF, Upper = 0x80000000, Lower = 0x7FFFFFFF;

    readonly uint[] _state = new uint[N];
    int _next, _left;
    double? _nextDoubleNormal;

    public TorchCpuGenerator(long seed)
    {
        Seed = seed;
        _state[0] = unchecked((uint)seed);
        for (int j = 1; j < N; j++)
            _state[j] = unchecked(1812433253u * (_state[j - 1] ^ (_state[j - 1] >> 30)) + (uint)j);
        _left = 1;
        _next = 0;
    }

    public long Seed { get; }

    /// <summary>One mt19937 output (torch <c>random()</c>).</summary>
    public uint NextUInt32()
    {
        if (--_left == 0) Twist();
        uint y = _state[_next++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9D2C5680;
        y ^= (y << 15) & 0xEFC60000;
        y ^= y >> 18;
        return y;
    }

    /// <summary>torch <c>random64()</c>: the first output is the high word.</summary>
    public ulong NextUInt64()
    {
        ulong hi = NextUInt32();
        return (hi << 32) | NextUInt32();
    }

    void Twist()
    {
        _left = N;
        _next = 0;
        for (int j = 0; j < N; j++)
        {
            uint u = _state[j], v = _state[(j + 1) % N];
            uint mix = ((u & Upper) | (v & Lower)) >> 1;
            _state[j] = _state[(j + M) % N] ^ mix ^ ((v & 1) != 0 ? MatrixA : 0);
        }
    }

    float UniformFloat() => (NextUInt32() & 0xFFFFFF) * (1.0f / 16777216f);
    double UniformDouble() => (NextUInt64() & ((1UL << 53) - 1)) * (1.0 / 9007199254740992.0);

    /// <summary><c>at::normal_distribution&lt;double&gt;</c>(0, 1) with the generator's cached partner.</summary>
    public double NormalDouble()
    {
        if (_nextDoubleNormal is double cached)
        {
            _nextDoubleNormal = null;
            return cached;
        }
        double u1 = UniformDouble(), u2 = UniformDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(1.0 - u2));
        double theta = 2.0 * Math.PI * u1;
        _nextDoubleNormal = r * Math.Sin(theta);
        return r * Math.Cos(theta);
    }

    /// <summary><c>torch.randn(n)</c> for a contiguous float32 tensor of <paramref name="destination"/>'s length.</summary>
    public void NextGaussian(Span<float> destination)
    {
        int n = destination.Length;
        if (n < 16)
        {
            for (int i = 0; i < n; i++) destination[i] = (float)NormalDouble();
            return;
        }
        for (int i = 0; i < n; i++) destination[i] = UniformFloat();
        for (int i = 0; i + 16 <= n; i += 16) Fill16(destination.Slice(i, 16));
        if (n % 16 != 0)
        {
            // the tail block is recomputed from 16 fresh uniforms, overwriting the last 16 elements
            var tail = destination.Slice(n - 16, 16);
            for (int k = 0; k < 16; k++) tail[k] = UniformFloat();
            Fill16(tail);
        }
    }

    static void Fill16(Span<float> d)
    {
        for (int j = 0; j < 8; j++)
        {
            float u1 = 1 - d[j];
            float u2 = d[j + 8];
            float radius = MathF.Sqrt(-2 * MathF.Log(u1));
            float theta = (float)(2.0 * Math.PI * u2);
            d[j] = radius * MathF.Cos(theta);
            d[j + 8] = radius * MathF.Sin(theta);
        }
    }
}
