using WebUI.Diffusion.Models;
using WebUI.Diffusion.Pipelines;

namespace WebUI.Diffusion.Tests.Pipelines;

/// <summary>A stand-in tokenizer: one id per whitespace-separated word (stable, below the special ids).</summary>
internal sealed class WordTokenizer : ITextTokenizer
{
    public int[] Encode(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Id).ToArray();

    public static int Id(string word)
    {
        int h = 17;
        foreach (char c in word) h = unchecked(h * 31 + c);
        return 1000 + (int)((uint)h % 20000);
    }

    public int BosId => 49406;
    public int EosId => 49407;
    public int PadId => 49407;
    public int ModelMaxLength => 77;
}

/// <summary>
/// Test-only pixel handling: keeps each decoded RGB image as floats (the product writes PNGs through
/// WebUI.Diffusion.Imaging) and hands out a preset init image.
/// </summary>
internal sealed class CapturingImageOutput : IImageOutput
{
    public List<(float[] Rgb, ImageFacts Facts)> Images { get; } = [];
    public float[]? InitRgb { get; set; }
    public int InitWidth { get; set; }
    public int InitHeight { get; set; }

    public (float[] Rgb, int Width, int Height) LoadInitImage(byte[] bytes, int width, int height, ResizeMode mode) =>
        (InitRgb ?? throw new InvalidOperationException("no init image set"), InitWidth, InitHeight);

    public GeneratedImage Finish(ReadOnlySpan<float> rgb, int width, int height, GenerationRequest request, ImageFacts facts)
    {
        Images.Add((rgb.ToArray(), facts));
        return new GeneratedImage([], facts.Seed, facts.Subseed, $"Seed: {facts.Seed}, Sampler: {facts.SamplerName}", width, height);
    }
}

/// <summary>A temporary directory removed on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "webui-engine-" + Guid.NewGuid().ToString("N")[..12]));
    public string Path { get; }
    public string Sub(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);
    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
