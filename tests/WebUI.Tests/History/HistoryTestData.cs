using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using WebUI.Diffusion.Imaging;
using WebUI.Diffusion.Pipelines;
using WebUI.History;
using WebUI.Hosting;
using WebUI.Tests.Support;

namespace WebUI.Tests.History;

/// <summary>Pictures, infotexts and throw-away data folders for the history tests (no model needed).</summary>
static class HistoryTestData
{
    /// <summary>An infotext as A1111 v1.10 writes it.</summary>
    public static string Infotext(string prompt, long seed, string negative = "", int width = 64, int height = 64,
        string model = "demo", string sampler = "DPM++ 2M", int steps = 8) =>
        prompt + (negative.Length > 0 ? "\nNegative prompt: " + negative : "")
        + $"\nSteps: {steps}, Sampler: {sampler}, Schedule type: Karras, CFG scale: 7, Seed: {seed}, Size: {width}x{height}, "
        + $"Model hash: 0123456789, Model: {model}, Version: v1.10.1";

    /// <summary>A PNG whose pixels depend on <paramref name="seed"/>, with the infotext in a parameters chunk.</summary>
    public static byte[] Png(int width, int height, string? infotext, long seed = 0)
    {
        using var image = Pixels(width, height, seed);
        return PngText.EncodePng(image, infotext);
    }

    public static Image<Rgb24> Pixels(int width, int height, long seed)
    {
        var image = new Image<Rgb24>(width, height);
        var rng = new Random((int)seed);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                image[x, y] = new Rgb24((byte)(x * 4 + seed), (byte)(y * 4), (byte)rng.Next(256));
        return image;
    }

    /// <summary>What the engine hands the saver for a txt2img job of <paramref name="count"/> pictures.</summary>
    public static GenerationResult Result(string prompt, long firstSeed, int count, int width = 64, int height = 64, int batchSize = 0, byte[]? initImage = null)
    {
        var request = new GenerationRequest
        {
            Prompt = prompt, Seed = firstSeed, Width = width, Height = height, Steps = 8,
            BatchSize = batchSize > 0 ? batchSize : count, BatchCount = batchSize > 0 ? count / batchSize : 1, InitImage = initImage,
        };
        var images = Enumerable.Range(0, count).Select(i =>
        {
            long seed = firstSeed + i;
            string text = Infotext(prompt, seed, width: width, height: height);
            return new GeneratedImage(Png(width, height, text, seed), seed, seed, text, width, height);
        }).ToList();
        return new GenerationResult(images, request);
    }

    /// <summary>Settings and paths for a data folder (reconcile at start off: tests call it).</summary>
    public static (WebUISettings Settings, WebUIPaths Paths) Data(TempDirectory dir, string? modelsDir = null)
    {
        var settings = new WebUISettings { DataDir = dir.Path };
        settings.History.ReconcileOnStart = false;
        var paths = WebUIPaths.From(settings);
        if (modelsDir is not null) paths = paths with { ModelsDir = modelsDir };
        return (settings, paths);
    }

    public static string Write(string path, byte[] bytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
