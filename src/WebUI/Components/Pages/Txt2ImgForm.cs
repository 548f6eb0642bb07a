using WebUI.Diffusion.Pipelines;

namespace WebUI.Components.Pages;

/// <summary>The txt2img controls' state, with A1111's UI defaults. Mutable because the controls bind to it.</summary>
public sealed class Txt2ImgForm
{
    public string Model { get; set; } = "";
    public string Prompt { get; set; } = "";
    public string NegativePrompt { get; set; } = "";
    public string Sampler { get; set; } = "DPM++ 2M";
    public string Scheduler { get; set; } = "Automatic";
    public int Steps { get; set; } = 20;
    public double CfgScale { get; set; } = 7.0;
    public int Width { get; set; } = 512;
    public int Height { get; set; } = 512;
    public long Seed { get; set; } = -1;
    public int BatchCount { get; set; } = 1;
    public int BatchSize { get; set; } = 1;

    public GenerationRequest ToRequest() => new()
    {
        Model = Model,
        Prompt = Prompt ?? "",
        NegativePrompt = NegativePrompt ?? "",
        Sampler = Sampler,
        Scheduler = Scheduler,
        Steps = Steps,
        CfgScale = CfgScale,
        Width = Width,
        Height = Height,
        Seed = Seed,
        BatchCount = BatchCount,
        BatchSize = BatchSize,
    };
}
