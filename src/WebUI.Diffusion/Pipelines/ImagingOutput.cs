using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using WebUI.Diffusion.Imaging;

namespace WebUI.Diffusion.Pipelines;

/// <summary>The product's pixels: init images through <see cref="ImageInput"/>, results as PNG with A1111's infotext.</summary>
internal sealed class ImagingOutput : IImageOutput
{
    public (float[] Rgb, int Width, int Height) LoadInitImage(byte[] bytes, int width, int height, ResizeMode mode)
    {
        using var source = ImageInput.Load(bytes);
        if (mode == ResizeMode.LatentUpscale)
        {
            // Encoded at its own size (rounded down to whole latent pixels); the engine then resizes the latent.
            int w = Math.Max(8, source.Width / 8 * 8), h = Math.Max(8, source.Height / 8 * 8);
            using Image<Rgb24> own = w == source.Width && h == source.Height ? source.Clone() : ImageInput.Resize(source, w, h, ResizeMode.JustResize);
            return (LatentImage.ToTensor(own), w, h);
        }
        using var fitted = ImageInput.Resize(source, width, height, mode);
        return (LatentImage.ToTensor(fitted), width, height);
    }

    public GeneratedImage Finish(ReadOnlySpan<float> rgb, int width, int height, GenerationRequest request, ImageFacts facts)
    {
        string infotext = Infotext.Create(request, new InfotextFacts
        {
            Seed = facts.Seed,
            Subseed = facts.Subseed,
            ModelName = facts.ModelName,
            ModelHash = facts.ModelHash,
            SamplerName = facts.SamplerName,
            ScheduleLabel = facts.ScheduleLabel,
            RngSource = facts.RngSource,
            Extra = facts.Extra is { Count: > 0 } extra ? extra : null,
            NumberStyle = request.InfotextNumberStyle,
        });
        using var image = LatentImage.ToImage(rgb, width, height);
        return new GeneratedImage(PngText.EncodePng(image, infotext), facts.Seed, facts.Subseed, infotext, width, height);
    }
}
