using WebUI.Diffusion.Models;
using WebUI.Diffusion.Pipelines;
using WebUI.Diffusion.Text;
using WebUI.ModelForge.Architectures;

namespace WebUI.Diffusion.Tests.Pipelines;

/// <summary>The tiny CLIP vocabulary ModelForge writes (the default tokenizer of fake model folders), loaded once.</summary>
internal static class TinyTokenizer
{
    static readonly Lazy<ClipTokenizer> Instance = new(() =>
    {
        using var dir = new TempDir();
        TinyClipVocabulary.Default.Write(dir.Path, TinyClipVocabulary.EndOfText);
        return ClipTokenizer.FromFolder(dir.Path);
    });

    public static ClipTokenizer Value => Instance.Value;

    /// <summary>BOS + the text's ids + EOS, padded with EOS to 77 (one chunk).</summary>
    public static int[] Chunk(string text)
    {
        var ids = new List<int> { Value.BosId };
        ids.AddRange(Value.Encode(text));
        ids.Add(Value.EosId);
        while (ids.Count < 77) ids.Add(Value.PadId);
        return ids.ToArray();
    }
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
