using WebUI.Diffusion.Imaging;
using WebUI.Diffusion.Models;
using WebUI.Diffusion.Pipelines;
using WebUI.Diffusion.Tests.Pipelines;
using WebUI.ModelForge;

namespace WebUI.Diffusion.Tests.Conditioning;

/// <summary>SDXL (base, refiner, Turbo), SD-Turbo and LCM generate through <see cref="GenerationEngine"/> on the tiny families.</summary>
public sealed class SdxlFamilyTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    GenerationEngine Engine() => new(new EngineOptions { ModelsDir = _dir.Path, IntraOpThreads = 1 });
    string Checkpoint(string name) => _dir.Sub("Stable-diffusion", name);

    static GenerationRequest Request(string model) => new()
    {
        Model = model, Prompt = "a photo of a cat", NegativePrompt = "blurry", Width = 64, Height = 64, Steps = 3, Seed = 1,
    };

    [Fact]
    public void Sdxl_base_generates()
    {
        TinyModels.BuildSdxl(Checkpoint("xl"));
        using var engine = Engine();
        var r = engine.Generate(Request("xl"));
        Assert.Equal("sdxl", engine.LoadedModel!.Family);
        Assert.Single(r.Images);
    }

    [Fact]
    public void Sdxl_refiner_generates()
    {
        TinyModels.BuildSdxl(Checkpoint("refiner"), refiner: true);
        using var engine = Engine();
        var r = engine.Generate(Request("refiner"));
        Assert.Single(r.Images);
    }

    [Fact]
    public void Turbo_and_lcm_generate()
    {
        TinyModels.BuildSdxlTurbo(Checkpoint("xlturbo"));
        TinyModels.BuildSdTurbo(Checkpoint("sdturbo"));
        TinyModels.BuildLcm(Checkpoint("lcm"));
        using var engine = Engine();
        Assert.Single(engine.Generate(Request("xlturbo") with { CfgScale = 1, Steps = 1, Sampler = "Euler a" }).Images);
        Assert.Single(engine.Generate(Request("sdturbo") with { CfgScale = 1, Steps = 1, Sampler = "Euler a" }).Images);
        Assert.Single(engine.Generate(Request("lcm") with { CfgScale = 8.5, Steps = 4, Sampler = "LCM" }).Images);
    }
}
