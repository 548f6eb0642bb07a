using WebUI.Diffusion.Models;
using WebUI.Diffusion.Text;

namespace WebUI.Diffusion.Pipelines;

/// <summary>The facts about one image that its infotext records besides the request itself.</summary>
internal sealed record ImageFacts(long Seed, long Subseed, string ModelName, string? ModelHash, string SamplerName, string ScheduleLabel,
    string RngSource, IReadOnlyList<KeyValuePair<string, object?>>? Extra = null);

/// <summary>Pixels in and out of the engine: init images for img2img, and finished PNGs with their infotext.</summary>
internal interface IImageOutput
{
    /// <summary>
    /// Decodes an init image to RGB CHW in [−1, 1]. Modes 0–2 fit it to <paramref name="width"/>×<paramref name="height"/>;
    /// <see cref="ResizeMode.LatentUpscale"/> keeps its own size (rounded down to multiples of 8) and the caller
    /// resizes the latent instead.
    /// </summary>
    (float[] Rgb, int Width, int Height) LoadInitImage(byte[] bytes, int width, int height, ResizeMode mode);

    /// <summary>Turns a decoded RGB CHW image in ≈[−1, 1] into the PNG the user gets (with the parameters chunk).</summary>
    GeneratedImage Finish(ReadOnlySpan<float> rgb, int width, int height, GenerationRequest request, ImageFacts facts);
}

/// <summary>The collaborators the engine uses for text and pixels; tests substitute their own.</summary>
internal sealed record EngineServices(Func<string, ClipTokenizer> TokenizerFactory, IImageOutput ImageOutput)
{
    public static EngineServices Default { get; } = new(ClipTextTokenizer.FromFolder, new ImagingOutput());
}
