using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using WebUI.Diffusion.Models;

namespace WebUI.Diffusion.Pipelines;

/// <summary>
/// Pixels ↔ scaled latents through the VAE in use (the model's or a separate one), plain or in tiles
/// (<see cref="VaeTiling"/>): tiled when the request asks, or by the engine's policy (always / never / above the pixel
/// threshold). Decoding returns RGB CHW in ≈[−1, 1]; encoding takes RGB CHW in [−1, 1] and returns latent·scale.
/// </summary>
internal sealed class VaeCodec(DiffusionModel model, EngineOptions options, bool? requestTiled, RunOptions runOptions)
{
    long _ticks;

    public double Seconds => Stopwatch.GetElapsedTime(0, _ticks).TotalSeconds;

    int TileSize => options.VaeTileSize > 0 ? options.VaeTileSize : model.VaeTileSize;

    /// <summary>Whether an image of this size goes through the tiled path.</summary>
    public bool IsTiled(int width, int height)
    {
        bool wanted = requestTiled ?? options.VaeTiling switch
        {
            VaeTilingMode.Always => true,
            VaeTilingMode.Never => false,
            _ => (long)width * height > options.VaeTilingThresholdPixels,
        };
        return wanted && (width > TileSize || height > TileSize);
    }

    /// <summary>Decodes one scaled latent [C,h,w] into RGB [3,8h,8w].</summary>
    public float[] Decode(ReadOnlySpan<float> scaledLatent, int channels, int height, int width)
    {
        var unscaled = new float[scaledLatent.Length];
        float inv = (float)(1 / model.VaeScale);
        for (int i = 0; i < unscaled.Length; i++) unscaled[i] = scaledLatent[i] * inv;
        long start = Stopwatch.GetTimestamp();
        try
        {
            var decoder = model.Decoder;
            return IsTiled(width * 8, height * 8)
                ? VaeTiling.Decode(unscaled, channels, height, width, TileSize, (tile, th, tw) => decoder.Decode(tile, channels, th, tw, runOptions))
                : decoder.Decode(unscaled, channels, height, width, runOptions);
        }
        finally { _ticks += Stopwatch.GetTimestamp() - start; }
    }

    /// <summary>Encodes RGB [3,H,W] in [−1,1] into the scaled latent [C,H/8,W/8].</summary>
    public float[] Encode(ReadOnlySpan<float> rgb, int height, int width, int channels)
    {
        long start = Stopwatch.GetTimestamp();
        float[] latent;
        try
        {
            var encoder = model.Encoder;
            latent = IsTiled(width, height)
                ? VaeTiling.Encode(rgb, height, width, channels, TileSize, (tile, th, tw) => encoder.Encode(tile, th, tw, channels, runOptions))
                : encoder.Encode(rgb, height, width, channels, runOptions);
        }
        finally { _ticks += Stopwatch.GetTimestamp() - start; }
        float scale = (float)model.VaeScale;
        for (int i = 0; i < latent.Length; i++) latent[i] *= scale;
        return latent;
    }
}
