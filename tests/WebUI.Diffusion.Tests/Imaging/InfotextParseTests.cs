using WebUI.Diffusion.Imaging;
using WebUI.Diffusion.Pipelines;

namespace WebUI.Diffusion.Tests.Imaging;

public class InfotextParseTests
{
    static void AssertParsed((string Key, object Value)[] expected, string text)
    {
        var actual = Infotext.Parse(text).Values.Select(kv => (kv.Key, kv.Value)).ToArray();
        Assert.Equal(expected, actual);
    }

    [Fact] public void ExampleA_ExactKeysValuesTypesAndOrder() => AssertParsed(InfotextExamples.ParsedA, InfotextExamples.A);
    [Fact] public void ExampleB_ExactKeysValuesTypesAndOrder() => AssertParsed(InfotextExamples.ParsedB, InfotextExamples.B);
    [Fact] public void ExampleC_ExactKeysValuesTypesAndOrder() => AssertParsed(InfotextExamples.ParsedC, InfotextExamples.C);

    [Fact]
    public void PromptAccessors_AndStringView()
    {
        var r = Infotext.Parse(InfotextExamples.C);
        Assert.Equal("portrait of a woman\nsecond line of prompt", r.Prompt);
        Assert.Equal("bad hands,\nextra fingers", r.NegativePrompt);
        Assert.Equal("32", r.Parameters["Masked area padding"]);
        Assert.Equal("0", r.Parameters["Hires resize-1"]);
        Assert.Equal("False", r.Parameters["Refiner switch by sampling steps"]);
    }

    [Fact]
    public void LastLineWithFewerThanThreeParams_IsPartOfThePrompt()
    {
        var r = Infotext.Parse("a cat\nStyle: watercolor, Mood: calm");
        Assert.Equal("a cat\nStyle: watercolor, Mood: calm", r.Prompt);
        Assert.False(r.Parameters.ContainsKey("Style"));
    }

    [Fact]
    public void EmptyValue_IsDroppedAsInA1111_AndUnterminatedQuoteIsKeptRaw()
    {
        var r = Infotext.Parse("p\nSteps: 20, Hires prompt: , Sampler: Euler, Note: \"abc, Seed: 3");
        Assert.Equal("20", r.Parameters["Steps"]);
        Assert.Equal("", r.Parameters["Hires prompt"]); // the default, not a parsed value
        Assert.Equal("\"abc", r.Parameters["Note"]);
        Assert.Equal("3", r.Parameters["Seed"]);
    }

    [Fact]
    public void OldFirstPassSize_BecomesSize_AndOldSizeBecomesHiresResize()
    {
        var r = Infotext.Parse("p\nSteps: 20, Size: 1024x768, First pass size: 0x0, Seed: 1").Parameters;
        // sqrt(512*512/(1024*768)) scale, each side ceil(scale*side/64)*64
        Assert.Equal("640", r["Size-1"]);
        Assert.Equal("448", r["Size-2"]);
        Assert.Equal("1024", r["Hires resize-1"]);
        Assert.Equal("768", r["Hires resize-2"]);
    }

    [Fact]
    public void VersionBackCompat_Flags()
    {
        var old = Infotext.Parse("a [b:c:5]\nSteps: 20, Sampler: DDIM, Seed: 1, Version: v1.5.1").Parameters;
        Assert.Equal("True", old["Old prompt editing timelines"]);
        Assert.Equal("True", old["Pad conds v0"]);
        Assert.Equal("True", old["Downcast alphas_cumprod"]);

        var mid = Infotext.Parse("a\nSteps: 20, Sampler: Euler, Seed: 1, Version: v1.7.0-224-g1234567").Parameters;
        Assert.True(mid.ContainsKey("Downcast alphas_cumprod"));
        var newer = Infotext.Parse("a\nSteps: 20, Sampler: Euler, Seed: 1, Version: v1.7.0-225-g1234567").Parameters;
        Assert.False(newer.ContainsKey("Downcast alphas_cumprod"));
        var forge = Infotext.Parse("a\nSteps: 20, Sampler: Euler, Seed: 1, Version: f2.0.1v1.10.1-previous-664-gd557aef9").Parameters;
        Assert.False(forge.ContainsKey("Downcast alphas_cumprod"));
    }

    [Fact]
    public void HiresPromptEqualToPrompt_IsBlanked_ButNotForOldVersions()
    {
        var r = Infotext.Parse("cat\nSteps: 20, Seed: 1, Hires prompt: cat, Sampler: Euler").Parameters;
        Assert.Equal("", r["Hires prompt"]);
        var old = Infotext.Parse("cat\nSteps: 20, Seed: 1, Hires prompt: cat, Version: v1.7.0").Parameters;
        Assert.Equal("cat", old["Hires prompt"]);
    }

    [Theory]
    [InlineData("plain words", false)]
    [InlineData("an (important) word", true)]
    [InlineData("(word:1.0)", false)]
    [InlineData("\\(literal\\]", false)]
    [InlineData("a cat BREAK a dog", false)]
    [InlineData("[[word]]", true)]
    public void EmphasisDefault_OnlyWhenAWeightDiffersFromOne(string prompt, bool expected)
    {
        var r = Infotext.Parse(prompt + "\nSteps: 20, Sampler: Euler, Seed: 1").Parameters;
        Assert.Equal(expected, r.ContainsKey("Emphasis"));
    }

    [Fact]
    public void HypernetKey_AppendsTagToPrompt()
    {
        var r = Infotext.Parse("cat\nSteps: 20, Hypernet: anime, Hypernet strength: 0.5, Seed: 1");
        Assert.Equal("cat<hypernet:anime:0.5>", r.Prompt);
    }

    [Fact]
    public void SkipFields_AreRemoved()
    {
        var r = Infotext.Parse(InfotextExamples.A, skipFields: ["Seed", "Model hash"]).Parameters;
        Assert.False(r.ContainsKey("Seed"));
        Assert.False(r.ContainsKey("Model hash"));
        Assert.True(r.ContainsKey("Steps"));
    }

    [Fact]
    public void ApplyTo_ExampleA_FillsRequest()
    {
        var baseRequest = new GenerationRequest { Subseed = 5, SubseedStrength = 0.5, Eta = 0.3, BatchSize = 3 };
        var r = Infotext.Parse(InfotextExamples.A).ApplyTo(baseRequest);
        Assert.Equal("a photo of a cat, (masterpiece:1.2)", r.Prompt);
        Assert.Equal("blurry, lowres", r.NegativePrompt);
        Assert.Equal(20, r.Steps);
        Assert.Equal("DPM++ 2M", r.Sampler);
        Assert.Equal("Karras", r.Scheduler);
        Assert.Equal(7.0, r.CfgScale);
        Assert.Equal(1234567890, r.Seed);
        Assert.Equal((512, 768), (r.Width, r.Height));
        Assert.Equal("v1-5-pruned-emaonly", r.Model);
        Assert.Equal("GPU", r.RngSource);
        Assert.Equal(0, r.SubseedStrength); // no "Variation seed": seed extras off
        Assert.Null(r.Eta); // absent: setting default
        Assert.Equal(3, r.BatchSize); // not described by infotext: kept
    }

    [Fact]
    public void ApplyTo_ExampleC_SeedExtrasDenoiseAndRng()
    {
        var r = Infotext.Parse(InfotextExamples.C).ApplyTo(new GenerationRequest());
        Assert.Equal(99, r.Subseed);
        Assert.Equal(0.3, r.SubseedStrength);
        Assert.Equal((768, 768), (r.SeedResizeFromWidth, r.SeedResizeFromHeight));
        Assert.Equal(0.55, r.DenoisingStrength);
        Assert.Equal("NV", r.RngSource);
        Assert.Equal(3007236767L, r.Seed);
        Assert.Equal("DPM++ SDE", r.Sampler);
    }

    [Fact]
    public void ApplyTo_LegacyCombinedSamplerName_KeptForTheCatalog()
    {
        var r = Infotext.Parse("x\nSteps: 20, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 1, Eta DDIM: 0.5, Sigma churn: 0.2")
            .ApplyTo(new GenerationRequest());
        Assert.Equal("DPM++ 2M Karras", r.Sampler);
        Assert.Equal("Automatic", r.Scheduler);
        Assert.Equal(0.5, r.Eta);
        Assert.Equal(0.2, r.SChurn);
    }

    [Fact]
    public void ApplyTo_BadNumber_NamesTheKey()
    {
        var ex = Assert.Throws<FormatException>(() =>
            Infotext.Parse("x\nSteps: many, Sampler: Euler, Seed: 1").ApplyTo(new GenerationRequest()));
        Assert.Contains("\"Steps\"", ex.Message);
        Assert.Contains("many", ex.Message);
    }

    [Fact]
    public void CreateThenParseThenApply_RoundTripsTheRequest()
    {
        var request = new GenerationRequest
        {
            Model = "anything", Prompt = "a: b, c\nline two", NegativePrompt = "ugly, \"bad\"", Steps = 33, Sampler = "Euler a",
            Scheduler = "Karras", CfgScale = 6.5, Seed = 12345, Subseed = 9, SubseedStrength = 0.25, Width = 640, Height = 448,
            RngSource = "CPU", Eta = 0.7, InitImage = [1], DenoisingStrength = 0.6,
        };
        var facts = new InfotextFacts
        {
            Seed = 12345, Subseed = 9, SamplerName = "Euler a", ScheduleLabel = "Karras", ModelName = "anything", ModelHash = "0123456789",
        };
        var back = Infotext.Parse(Infotext.Create(request, facts)).ApplyTo(new GenerationRequest { InitImage = [1] });
        Assert.Equal(request, back with { InitImage = request.InitImage });
    }

    [Fact]
    public void EmptyText_GivesEmptyPromptsAndDefaults()
    {
        var r = Infotext.Parse("");
        Assert.Equal("", r.Prompt);
        Assert.Equal("", r.NegativePrompt);
        Assert.Equal("GPU", r.Parameters["RNG"]);
    }
}
