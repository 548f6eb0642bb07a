namespace WebUI.Diffusion.Sampling.Rng;

/// <summary>
/// Backs the CLI's <c>webui noise --source nv|cpu --seed S --shape 4,64,64 --calls K</c>: K successive
/// <c>randn(shape)</c> draws from one generator seeded with S (draw 0 is an image's initial noise, draws 1.. are the
/// noise an ancestral sampler would get on steps 0..), each flattened in C order.
/// </summary>
public static class NoiseDump
{
    public const long MaxValues = 64L * 1024 * 1024;

    public static float[][] Draw(string source, long seed, int[] shape, int calls)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length == 0) throw new ArgumentException("Shape needs at least one dimension, e.g. 4,64,64.", nameof(shape));
        long count = 1;
        foreach (int d in shape)
        {
            if (d < 1) throw new ArgumentOutOfRangeException(nameof(shape), $"Shape dimensions must be positive (got {string.Join(",", shape)}).");
            count *= d;
            if (count > MaxValues) throw new ArgumentOutOfRangeException(nameof(shape), $"Shape {string.Join(",", shape)} is too large (at most {MaxValues} values per draw).");
        }
        if (calls < 1) throw new ArgumentOutOfRangeException(nameof(calls), "Calls must be at least 1.");
        if (count * calls > MaxValues) throw new ArgumentOutOfRangeException(nameof(calls), $"{calls} draws of {count} values exceed {MaxValues} values.");
        var generator = ImageNoise.Create(source, seed);
        var result = new float[calls][];
        for (int k = 0; k < calls; k++)
        {
            result[k] = new float[count];
            generator.NextGaussian(result[k]);
        }
        return result;
    }
}
