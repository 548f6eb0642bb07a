namespace WebUI.Diffusion.Sampling.Rng;

/// <summary>
/// A1111's ImageRNG: one generator per image of the batch. <see cref="First"/> gives the initial noise,
/// <see cref="Next"/> the per-step noise ancestral samplers draw (one call per image generator, in batch order).
/// SKELETON: GPU/NV source only, no variation seed or seed resize yet; the sampling issue completes it.
/// </summary>
public sealed class ImageNoise : INoiseSource
{
    readonly IRandomGenerator[] _generators;
    readonly int _perImage;

    public ImageNoise(string source, IReadOnlyList<long> seeds, int channels, int height, int width)
    {
        _perImage = channels * height * width;
        _generators = seeds.Select(s => Create(source, s)).ToArray();
    }

    public static IRandomGenerator Create(string source, long seed) => source.ToUpperInvariant() switch
    {
        "GPU" or "NV" => new PhiloxGenerator(unchecked((ulong)seed)),
        _ => throw new ArgumentException($"Unknown RNG source '{source}'. Expected GPU, NV or CPU."),
    };

    public void First(Span<float> destination) => Next(destination);

    public void Next(Span<float> destination)
    {
        if (destination.Length != _perImage * _generators.Length)
            throw new ArgumentException($"Noise buffer has {destination.Length} values; expected {_perImage * _generators.Length}.");
        for (int i = 0; i < _generators.Length; i++)
            _generators[i].NextGaussian(destination.Slice(i * _perImage, _perImage));
    }
}
