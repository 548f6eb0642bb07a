using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using WebUI.Diffusion.Models;
using WebUI.Diffusion.Pipelines;
using WebUI.ModelForge.Demo;

namespace WebUI.Diffusion.Tests.Pipelines;

/// <summary>
/// The built-in demo checkpoint through the whole engine: its UNet is the exact denoiser of a drawn gallery, so a
/// correct pipeline must land on a gallery picture of the family the prompt names.
/// </summary>
public sealed class DemoModelEndToEndTests : IDisposable
{
    const int Size = 512, Cell = 8, Cells = Size / Cell;
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    /// <summary>8×8 cell means of an RGB picture in 0..255 (planar), so blur and texture hardly matter.</summary>
    static float[] Cellwise(Func<int, int, int, float> pixel, int size)
    {
        int cell = size / Cells;
        var r = new float[3 * Cells * Cells];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                    r[(c * Cells + y / cell) * Cells + x / cell] += pixel(c, y, x) / (cell * cell);
        return r;
    }

    [Fact]
    public void A_sunset_over_the_sea_seed_1_is_a_warm_sunset_picture_from_the_gallery()
    {
        DemoModel.Build(_dir.Sub("Stable-diffusion", "demo"));
        using var engine = new GenerationEngine(new EngineOptions { ModelsDir = _dir.Path });
        var result = engine.Generate(new GenerationRequest { Model = "demo", Prompt = "a sunset over the sea", Seed = 1, Width = Size, Height = Size, Steps = 20 });
        Assert.StartsWith("a sunset over the sea\nSteps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 1, Size: 512x512, Model hash: ", result.Images[0].Infotext);

        using var image = Image.Load<Rgb24>(result.Images[0].Png);
        var pixels = new Rgb24[Size * Size];
        image.CopyPixelDataTo(pixels);
        var picture = Cellwise((c, y, x) => c == 0 ? pixels[y * Size + x].R : c == 1 ? pixels[y * Size + x].G : pixels[y * Size + x].B, Size);

        // The nearest gallery member (drawn at 64 px, one sample per cell) is a sunset, a few levels away.
        var nearest = DemoGallery.Scenes
            .Select(s => { var d = DemoGallery.Draw(s, Cells); return (s.Family, Distance: picture.Select((v, i) => Math.Abs(v - (d[i] * 127.5f + 127.5f))).Average()); })
            .MinBy(s => s.Distance);
        Assert.Equal("sunset over the sea", nearest.Family);
        Assert.True(nearest.Distance < 8, $"mean distance to the nearest gallery picture: {nearest.Distance:F1} levels");

        // Warm: around the horizon red clearly dominates green and blue.
        double r = 0, g = 0, b = 0;
        for (int y = Size * 45 / 100; y < Size * 60 / 100; y++)
            for (int x = 0; x < Size; x++) { var p = pixels[y * Size + x]; r += p.R; g += p.G; b += p.B; }
        Assert.True(r > g * 1.2 && r > b * 1.2, $"horizon band R {r:F0} G {g:F0} B {b:F0}");
    }
}
