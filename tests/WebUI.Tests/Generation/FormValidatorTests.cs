using WebUI.Diffusion.Pipelines;
using WebUI.Generation;

namespace WebUI.Tests.Generation;

public sealed class FormValidatorTests
{
    [Fact]
    public void A1111_defaults_are_valid() => Assert.Empty(FormValidator.Validate(new GenerationRequest()));

    [Theory]
    [InlineData(nameof(GenerationRequest.Width), 500)]
    [InlineData(nameof(GenerationRequest.Width), 56)]
    [InlineData(nameof(GenerationRequest.Height), 2056)]
    [InlineData(nameof(GenerationRequest.Steps), 0)]
    [InlineData(nameof(GenerationRequest.Steps), 151)]
    [InlineData(nameof(GenerationRequest.BatchSize), 9)]
    [InlineData(nameof(GenerationRequest.BatchCount), 0)]
    public void Out_of_range_values_are_reported_on_their_field(string field, int value)
    {
        var request = field switch
        {
            nameof(GenerationRequest.Width) => new GenerationRequest { Width = value },
            nameof(GenerationRequest.Height) => new GenerationRequest { Height = value },
            nameof(GenerationRequest.Steps) => new GenerationRequest { Steps = value },
            nameof(GenerationRequest.BatchSize) => new GenerationRequest { BatchSize = value },
            _ => new GenerationRequest { BatchCount = value },
        };
        var errors = FormValidator.Validate(request);
        Assert.Equal([field], errors.Keys);
    }

    [Fact]
    public void Unknown_sampler_scheduler_and_bad_cfg_or_seed_are_reported()
    {
        Assert.Contains(nameof(GenerationRequest.Sampler), FormValidator.Validate(new GenerationRequest { Sampler = "Nope" }).Keys);
        Assert.Contains(nameof(GenerationRequest.Scheduler), FormValidator.Validate(new GenerationRequest { Scheduler = "Nope" }).Keys);
        Assert.Contains(nameof(GenerationRequest.CfgScale), FormValidator.Validate(new GenerationRequest { CfgScale = double.NaN }).Keys);
        Assert.Contains(nameof(GenerationRequest.Seed), FormValidator.Validate(new GenerationRequest { Seed = -2 }).Keys);
        Assert.Contains(nameof(GenerationRequest.DenoisingStrength),
            FormValidator.Validate(new GenerationRequest { InitImage = [1], DenoisingStrength = 1.5 }).Keys);
    }
}
