using WebUI.Diffusion.Imaging;
using WebUI.Diffusion.Pipelines;

namespace WebUI.Diffusion.Tests.Conditioning;

/// <summary>The conditioning settings in infotext: written as A1111 writes them and read back by the paste parser.</summary>
public sealed class ConditioningInfotextTests
{
    static InfotextFacts Facts => new() { Seed = 1, SamplerName = "Euler", ScheduleLabel = "Karras", ModelName = "m" };

    [Fact]
    public void Clip_skip_is_written_only_above_one_in_its_built_in_slot()
    {
        var request = new GenerationRequest { Prompt = "a cat", Steps = 20, CfgScale = 7, Width = 512, Height = 512 };
        Assert.DoesNotContain("Clip skip", Infotext.Create(request, Facts));
        string text = Infotext.Create(request with { ClipSkip = 2 }, Facts with
        {
            Extra = [new("TI hashes", "mystyle: 0123456789ab"), new("Emphasis", "No norm"), new("Pad conds", true)],
        });
        Assert.EndsWith("Size: 512x512, Model: m, Clip skip: 2, TI hashes: \"mystyle: 0123456789ab\", Emphasis: No norm, Pad conds: True", text);
    }

    [Fact]
    public void Pasting_restores_clip_skip_emphasis_and_pad_conds()
    {
        var parsed = Infotext.Parse("(a cat:1.2)\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 1, Size: 512x512, Clip skip: 2, Emphasis: No norm, Pad conds: True");
        var r = parsed.ApplyTo(new GenerationRequest());
        Assert.Equal((2, "No norm", true), (r.ClipSkip, r.Emphasis, r.PadConds));

        // Without the keys: A1111's parser adds "Clip skip: 1", and "Emphasis: Original" when the prompt has weights.
        var plain = Infotext.Parse("(a cat:1.2)\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 1, Size: 512x512")
            .ApplyTo(new GenerationRequest { ClipSkip = 3, Emphasis = "None", PadConds = true });
        Assert.Equal((1, "Original", true), (plain.ClipSkip, plain.Emphasis, plain.PadConds));
    }

    [Fact]
    public void Unknown_emphasis_modes_are_rejected_with_the_valid_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => RequestValidator.Validate(new GenerationRequest { Emphasis = "Loud" }));
        Assert.Contains("Valid: Original, No norm, Ignore, None", e.Message);
    }
}
