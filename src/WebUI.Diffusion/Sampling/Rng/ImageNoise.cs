namespace WebUI.Diffusion.Sampling.Rng;

/// <summary>
/// A1111's ImageRNG (<c>modules/rng.py</c>, a1111-reference §6.2): one generator per image of the batch.
/// <see cref="First"/> gives the initial noise — with variation seed (subseed) slerp and "resize seed from"
/// centering when requested — and <see cref="Next"/> the per-step noise ancestral/SDE samplers draw (one draw per
/// image generator, in batch order, continuing that image's stream). A batch therefore reproduces single images.
/// </summary>
public sealed class ImageNoise : INoiseSource
{
    /// <summary>A1111's latent downscale used for "Seed resize from" (pixels → latent).</summary>
    public const int LatentScale = 8;

    readonly string _source;
    readonly IReadOnlyList<long> _seeds;
    readonly IReadOnlyList<long>? _subseeds;
    readonly double _subseedStrength;
    readonly int _channels, _height, _width, _resizeH, _resizeW;
    readonly long _ensd;
    IRandomGenerator[] _generators;
    bool _first = true;

    /// <param name="source">"GPU", "NV" (Philox, A1111's NV imitation of CUDA) or "CPU" (torch CPU generator).</param>
    /// <param name="seeds">One seed per image.</param>
    /// <param name="channels">Latent channels.</param>
    /// <param name="height">Latent height.</param>
    /// <param name="width">Latent width.</param>
    /// <param name="subseeds">Variation seeds, one per image (missing entries are 0, as A1111).</param>
    /// <param name="subseedStrength">Variation strength 0..1; 0 disables variation.</param>
    /// <param name="seedResizeFromWidth">"Resize seed from" width in pixels; ≤ 0 disables (both must be &gt; 0).</param>
    /// <param name="seedResizeFromHeight">"Resize seed from" height in pixels.</param>
    /// <param name="etaNoiseSeedDelta">ENSD: after the initial noise, per-step noise comes from seed + ENSD.</param>
    public ImageNoise(string source, IReadOnlyList<long> seeds, int channels, int height, int width,
        IReadOnlyList<long>? subseeds = null, double subseedStrength = 0,
        int seedResizeFromWidth = 0, int seedResizeFromHeight = 0, long etaNoiseSeedDelta = 0)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        if (seeds.Count == 0) throw new ArgumentException("At least one seed is needed.", nameof(seeds));
        if (channels < 1 || height < 1 || width < 1) throw new ArgumentOutOfRangeException(nameof(channels), "Noise shape must be positive.");
        if (double.IsNaN(subseedStrength)) throw new ArgumentOutOfRangeException(nameof(subseedStrength));
        _source = source;
        _seeds = seeds;
        _subseeds = subseeds;
        _subseedStrength = subseedStrength;
        _channels = channels;
        _height = height;
        _width = width;
        if (seedResizeFromWidth > 0 && seedResizeFromHeight > 0)
        {
            _resizeW = seedResizeFromWidth / LatentScale;
            _resizeH = seedResizeFromHeight / LatentScale;
            if (_resizeW < 1 || _resizeH < 1) throw new ArgumentOutOfRangeException(nameof(seedResizeFromWidth), $"Seed resize size must be at least {LatentScale} pixels.");
        }
        _ensd = etaNoiseSeedDelta;
        _generators = seeds.Select(s => Create(source, s)).ToArray();
        PerImage = channels * height * width;
    }

    /// <summary>Values per image (C·H·W).</summary>
    public int PerImage { get; }
    public int Images => _generators.Length;

    public static IRandomGenerator Create(string source, long seed) => (source ?? "").ToUpperInvariant() switch
    {
        "GPU" or "NV" => new PhiloxGenerator(unchecked((ulong)seed)),
        "CPU" => new TorchCpuGenerator(seed),
        _ => throw new ArgumentException($"Unknown RNG source '{source}'. Expected GPU, NV or CPU."),
    };

    /// <summary>The initial noise for the whole batch [B, C, H, W].</summary>
    public void First(Span<float> destination)
    {
        CheckLength(destination);
        bool resize = _resizeW > 0 && (_resizeW != _width || _resizeH != _height);
        int h0 = resize ? _resizeH : _height, w0 = resize ? _resizeW : _width;
        for (int i = 0; i < _generators.Length; i++)
        {
            var dest = destination.Slice(i * PerImage, PerImage);
            long seed = _seeds[i];
            float[]? sub = null;
            if (_subseedStrength != 0)
            {
                long subseed = _subseeds is not null && i < _subseeds.Count ? _subseeds[i] : 0;
                sub = new float[_channels * h0 * w0];
                Create(_source, subseed).NextGaussian(sub);
            }
            if (!resize)
            {
                _generators[i].NextGaussian(dest);
                if (sub is not null) Slerp(_subseedStrength, dest, sub, _channels, _height, _width);
            }
            else
            {
                var small = new float[_channels * h0 * w0];
                Create(_source, seed).NextGaussian(small);
                if (sub is not null) Slerp(_subseedStrength, small, sub, _channels, h0, w0);
                _generators[i].NextGaussian(dest);
                PasteCentered(small, h0, w0, dest, _channels, _height, _width);
            }
        }
        if (_ensd != 0) _generators = _seeds.Select(s => Create(_source, s + _ensd)).ToArray();
        _first = false;
    }

    /// <summary>The next per-step noise for the whole batch (the initial noise if <see cref="First"/> was not called yet).</summary>
    public void Next(Span<float> destination)
    {
        if (_first) { First(destination); return; }
        CheckLength(destination);
        for (int i = 0; i < _generators.Length; i++)
            _generators[i].NextGaussian(destination.Slice(i * PerImage, PerImage));
    }

    void CheckLength(Span<float> destination)
    {
        if (destination.Length != PerImage * _generators.Length)
            throw new ArgumentException($"Noise buffer has {destination.Length} values; expected {PerImage * _generators.Length}.");
    }

    /// <summary>
    /// A1111's <c>slerp(val, low, high)</c> on one image's [C, H, W] noise, with vectors taken along dim 1 (H):
    /// for each (c, w) column the two H-vectors are normalized, ω = acos(dot); if the mean dot exceeds 0.9995 it
    /// falls back to low·val + high·(1−val) (sic). The result is written into <paramref name="low"/>.
    /// </summary>
    internal static void Slerp(double val, Span<float> low, ReadOnlySpan<float> high, int c, int h, int w)
    {
        var dots = new double[c * w];
        var lowNorm = new double[c * w];
        var highNorm = new double[c * w];
        for (int ch = 0; ch < c; ch++)
            for (int x = 0; x < w; x++)
            {
                double ll = 0, hh = 0;
                for (int y = 0; y < h; y++)
                {
                    int k = (ch * h + y) * w + x;
                    ll += (double)low[k] * low[k];
                    hh += (double)high[k] * high[k];
                }
                lowNorm[ch * w + x] = Math.Sqrt(ll);
                highNorm[ch * w + x] = Math.Sqrt(hh);
            }
        double mean = 0;
        for (int ch = 0; ch < c; ch++)
            for (int x = 0; x < w; x++)
            {
                double dot = 0;
                for (int y = 0; y < h; y++)
                {
                    int k = (ch * h + y) * w + x;
                    dot += low[k] / lowNorm[ch * w + x] * (high[k] / highNorm[ch * w + x]);
                }
                dots[ch * w + x] = dot;
                mean += dot;
            }
        mean /= c * w;
        if (mean > 0.9995)
        {
            for (int k = 0; k < low.Length; k++) low[k] = (float)(low[k] * val + high[k] * (1 - val));
            return;
        }
        for (int ch = 0; ch < c; ch++)
            for (int x = 0; x < w; x++)
            {
                double omega = Math.Acos(dots[ch * w + x]), so = Math.Sin(omega);
                double a = Math.Sin((1 - val) * omega) / so, b = Math.Sin(val * omega) / so;
                for (int y = 0; y < h; y++)
                {
                    int k = (ch * h + y) * w + x;
                    low[k] = (float)(a * low[k] + b * high[k]);
                }
            }
    }

    /// <summary>
    /// A1111's seed-resize paste: the small noise goes centered into the big one (offset ((W−w)/2, (H−h)/2));
    /// when the small noise is larger along an axis it is center-cropped instead.
    /// </summary>
    internal static void PasteCentered(ReadOnlySpan<float> small, int h0, int w0, Span<float> big, int c, int h, int w)
    {
        int dx = FloorDiv(w - w0, 2), dy = FloorDiv(h - h0, 2);
        int cw = dx >= 0 ? w0 : w0 + 2 * dx, chh = dy >= 0 ? h0 : h0 + 2 * dy;
        int tx = Math.Max(dx, 0), ty = Math.Max(dy, 0), sx = Math.Max(-dx, 0), sy = Math.Max(-dy, 0);
        for (int ch = 0; ch < c; ch++)
            for (int y = 0; y < chh; y++)
                for (int x = 0; x < cw; x++)
                    big[(ch * h + ty + y) * w + tx + x] = small[(ch * h0 + sy + y) * w0 + sx + x];
    }

    static int FloorDiv(int a, int b) => (int)Math.Floor((double)a / b);
}
