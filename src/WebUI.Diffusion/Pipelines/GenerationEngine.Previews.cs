using Microsoft.ML.OnnxRuntime;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using WebUI.Diffusion.Imaging;
using WebUI.Diffusion.Models;

namespace WebUI.Diffusion.Pipelines;

/// <summary>The decoders a live preview can use besides the cheap linear map (A1111's show_progress_type).</summary>
public enum PreviewDecoder
{
    /// <summary>The model's real VAE decoder ("Full"). Under the sequential memory mode it falls back to TAESD, as
    /// A1111 does under --lowvram (live_preview_allow_lowvram_full off).</summary>
    Full,
    /// <summary>Tiny AutoEncoder: models/VAE-approx/taesd_decoder.onnx (taesdxl_decoder.onnx for SDXL).</summary>
    Taesd,
}

/// <summary>
/// Turns a sampling latent into a preview picture with a real decoder. Meant to be called from the engine's progress
/// callback (the generating thread, while the model is held); from any other thread while a generation runs it
/// returns null at once instead of waiting, and the caller shows its approximate preview.
/// </summary>
public interface IPreviewDecoder
{
    /// <summary>Whether a TAESD decoder file exists for a model family ("sd1", "sdxl", ...).</summary>
    bool HasTaesd(string family);

    /// <summary>Scaled (UNet-space) latent [C,h,w] → RGB CHW [3,8h,8w] in ≈[−1,1]; null when that decoder is unavailable now.</summary>
    float[]? DecodePreviewRgb(ReadOnlySpan<float> latent, int channels, int height, int width, PreviewDecoder method);

    /// <summary>As <see cref="DecodePreviewRgb"/>, as an 8-bit picture (A1111's truncating conversion).</summary>
    Image<Rgb24>? DecodePreview(ReadOnlySpan<float> latent, int channels, int height, int width, PreviewDecoder method);
}

public sealed partial class GenerationEngine : IPreviewDecoder
{
    readonly Dictionary<string, TaesdDecoder> _taesd = new(StringComparer.Ordinal);

    public bool HasTaesd(string family) => File.Exists(Path.Combine(VaeApproxDir, TaesdDecoder.FileFor(family ?? "")));

    public float[]? DecodePreviewRgb(ReadOnlySpan<float> latent, int channels, int height, int width, PreviewDecoder method)
    {
        if (channels * height * width != latent.Length || channels < 1 || height < 1 || width < 1)
            throw new ArgumentException($"Expected a {channels}x{height}x{width} latent, got {latent.Length} values.", nameof(latent));
        // Reentrant on the generating thread (the progress callback); never blocks another thread behind a generation.
        if (!Monitor.TryEnter(_gate)) return null;
        try
        {
            if (_disposed || _loaded is not { } model) return null;
            if (method == PreviewDecoder.Full && model.Memory == MemoryMode.Sequential) method = PreviewDecoder.Taesd;
            using var runOptions = new RunOptions();
            if (method == PreviewDecoder.Full)
            {
                var unscaled = new float[latent.Length];
                float inv = (float)(1 / model.VaeScale);
                for (int i = 0; i < unscaled.Length; i++) unscaled[i] = latent[i] * inv;
                return model.Decoder.Decode(unscaled, channels, height, width, runOptions);
            }
            return TaesdFor(model.Folder.Family)?.Decode(latent, channels, height, width, runOptions);
        }
        finally { Monitor.Exit(_gate); }
    }

    public Image<Rgb24>? DecodePreview(ReadOnlySpan<float> latent, int channels, int height, int width, PreviewDecoder method) =>
        DecodePreviewRgb(latent, channels, height, width, method) is { } rgb ? LatentImage.ToImage(rgb, width * 8, height * 8) : null;

    // Opened on first use and kept until the model is unloaded (a few MB).
    TaesdDecoder? TaesdFor(string family)
    {
        string path = Path.Combine(VaeApproxDir, TaesdDecoder.FileFor(family));
        if (_taesd.TryGetValue(path, out var known)) return known;
        if (!File.Exists(path)) return null;
        var decoder = TaesdDecoder.Open(_sessions, path, _options.TaesdOutputRange);
        _taesd[path] = decoder;
        return decoder;
    }

    void DisposePreviewDecoders()
    {
        foreach (var d in _taesd.Values) d.Dispose();
        _taesd.Clear();
    }
}
