using WebUI.Diffusion.Imaging;
using WebUI.Diffusion.Pipelines;

namespace WebUI.Diffusion.Tests.Imaging;

public class InfotextCreateTests
{
    static readonly byte[] SomeInitImage = [1, 2, 3];

    [Fact]
    public void ExampleA_UiDefaults_MatchesA1111Text()
    {
        var request = new GenerationRequest
        {
            Prompt = "a photo of a cat, (masterpiece:1.2)", NegativePrompt = "blurry, lowres",
            Steps = 20, Sampler = "DPM++ 2M", Scheduler = "Automatic", CfgScale = 7.0, Width = 512, Height = 768,
        };
        var facts = new InfotextFacts
        {
            Seed = 1234567890, SamplerName = "DPM++ 2M", ScheduleLabel = "Karras",
            ModelHash = "6ce0161689", ModelName = "v1-5-pruned-emaonly", Version = "v1.10.1",
        };
        Assert.Equal(InfotextExamples.A, Infotext.Create(request, facts));
    }

    [Fact]
    public void ExampleB_HiresExtrasTakeBuiltInSlots_MatchesA1111Text()
    {
        var request = new GenerationRequest
        {
            Prompt = "landscape, mountains", Steps = 30, CfgScale = 5.5, Width = 832, Height = 1216,
        };
        var facts = new InfotextFacts
        {
            Seed = 42, SamplerName = "Euler a", ScheduleLabel = "", ModelHash = "31e35c80fc", ModelName = "sd_xl_base_1.0",
            Version = "v1.9.4",
            Extra =
            [
                new("Denoising strength", 0.4), new("Clip skip", 2), new("Hires upscale", 1.5), new("Hires steps", 10),
                new("Hires upscaler", "Latent"), new("Lora hashes", "detail: 0123456789ab, style: ba9876543210"),
                new("TI hashes", "easyneg: c74b4e810b03"),
            ],
        };
        Assert.Equal(InfotextExamples.B, Infotext.Create(request, facts));
    }

    [Fact]
    public void ExampleC_CreatedInA1111KeyOrder_ParsesToTheSameValues()
    {
        var request = new GenerationRequest
        {
            Prompt = "portrait of a woman\nsecond line of prompt", NegativePrompt = "bad hands,\nextra fingers",
            Steps = 25, CfgScale = 6, Width = 512, Height = 512, SubseedStrength = 0.3,
            SeedResizeFromWidth = 768, SeedResizeFromHeight = 768, InitImage = SomeInitImage, DenoisingStrength = 0.55,
            RngSource = "NV",
        };
        var facts = new InfotextFacts
        {
            Seed = 3007236767, Subseed = 99, SamplerName = "DPM++ SDE", ScheduleLabel = "Karras",
            ModelHash = "e6e99610c4", ModelName = "realistic",
            Extra =
            [
                new("Mask blur", 4), new("Inpaint area", "Only masked"), new("Masked area padding", 32),
                new("Hires prompt", "a \"quoted\", text: yes"),
            ],
        };
        string text = Infotext.Create(request, facts);
        // create_infotext puts RNG (a built-in key) before every extra_generation_params key such as "Mask blur";
        // §2.4's example C lists it later because it is a parser example, so only the parsed values must agree.
        Assert.Equal(
            "portrait of a woman\nsecond line of prompt\nNegative prompt: bad hands,\nextra fingers\n" +
            "Steps: 25, Sampler: DPM++ SDE, Schedule type: Karras, CFG scale: 6, Seed: 3007236767, Size: 512x512, " +
            "Model hash: e6e99610c4, Model: realistic, Variation seed: 99, Variation seed strength: 0.3, " +
            "Seed resize from: 768x768, Denoising strength: 0.55, RNG: NV, Mask blur: 4, Inpaint area: Only masked, " +
            "Masked area padding: 32, Hires prompt: \"a \\\"quoted\\\", text: yes\"", text);
        var ours = Infotext.Parse(text).Parameters.OrderBy(kv => kv.Key).ToList();
        var spec = Infotext.Parse(InfotextExamples.C).Parameters.OrderBy(kv => kv.Key).ToList();
        Assert.Equal(spec, ours);
    }

    [Theory]
    [InlineData(InfotextNumberStyle.Ui, "CFG scale: 7,", "Denoising strength: 0.75")]
    [InlineData(InfotextNumberStyle.Api, "CFG scale: 7.0,", "Denoising strength: 0.75")]
    public void NumberStyle_DecidesIntOrPythonFloat(InfotextNumberStyle style, string cfg, string denoise)
    {
        var request = new GenerationRequest { Prompt = "p", CfgScale = 7.0, InitImage = SomeInitImage, DenoisingStrength = 0.75 };
        string text = Infotext.Create(request, new InfotextFacts { SamplerName = "Euler", ScheduleLabel = "Automatic", NumberStyle = style });
        Assert.Contains(cfg, text);
        Assert.Contains(denoise, text);
    }

    [Fact]
    public void DenoisingStrength_OnlyForImg2Img_RngOnlyWhenNotGpu()
    {
        var txt = Infotext.Create(new GenerationRequest { Prompt = "p", RngSource = "GPU" }, new InfotextFacts { SamplerName = "Euler" });
        Assert.DoesNotContain("Denoising strength", txt);
        Assert.DoesNotContain("RNG", txt);
        var cpu = Infotext.Create(new GenerationRequest { Prompt = "p" }, new InfotextFacts { SamplerName = "Euler", RngSource = "CPU" });
        Assert.Contains(", RNG: CPU", cpu);
    }

    [Fact]
    public void EmptyPrompts_LayoutIsStripped()
    {
        string text = Infotext.Create(new GenerationRequest { Prompt = "", NegativePrompt = "" },
            new InfotextFacts { Seed = 1, SamplerName = "Euler", ScheduleLabel = "Automatic", ModelName = "m" });
        Assert.Equal("Steps: 20, Sampler: Euler, Schedule type: Automatic, CFG scale: 7, Seed: 1, Size: 512x512, Model: m", text);
    }

    [Fact]
    public void QuotesValuesWithCommaColonOrNewline_AsJsonWithLiteralUnicode()
    {
        var facts = new InfotextFacts
        {
            SamplerName = "Euler",
            Extra =
            [
                new("Plain", "no specials here"), new("Comma", "a, b"), new("Colon", "key: v"), new("Newline", "l1\nl2"),
                new("Quote only", "say \"hi\""), new("Unicode", "猫, ok"), new("Control", "tab\there, x"), new("Same", "Same"),
            ],
        };
        string line = Infotext.Create(new GenerationRequest { Prompt = "p" }, facts).Split('\n')[1];
        Assert.Contains("Plain: no specials here, ", line);
        Assert.Contains("Comma: \"a, b\"", line);
        Assert.Contains("Colon: \"key: v\"", line);
        Assert.Contains("Newline: \"l1\\nl2\"", line);
        Assert.Contains("Quote only: say \"hi\"", line); // quote() leaves it alone: no , : or newline
        Assert.Contains("Unicode: \"猫, ok\"", line);
        Assert.Contains("Control: \"tab\\there, x\"", line);
        Assert.EndsWith(", Same", line); // key == value is written as the bare key

        // and every quoted value comes back verbatim
        var parsed = Infotext.Parse("p\n" + line).Parameters;
        Assert.Equal("a, b", parsed["Comma"]);
        Assert.Equal("key: v", parsed["Colon"]);
        Assert.Equal("l1\nl2", parsed["Newline"]);
        Assert.Equal("猫, ok", parsed["Unicode"]);
        Assert.Equal("tab\there, x", parsed["Control"]);
    }

    [Fact]
    public void ExtraWithNullValue_RemovesTheKey_LikeAPythonDictMerge()
    {
        var request = new GenerationRequest { Prompt = "p", InitImage = SomeInitImage };
        string text = Infotext.Create(request, new InfotextFacts { SamplerName = "Euler", Extra = [new("Denoising strength", null)] });
        Assert.DoesNotContain("Denoising strength", text);
    }

    [Fact]
    public void SamplerOptions_WrittenOnlyWhenSetAndNotDefault_ForSamplersThatTakeThem()
    {
        var request = new GenerationRequest { Prompt = "p", Eta = 0.5, SChurn = 0.1, STmax = 0, SNoise = 1.0 };
        string eulerA = Infotext.Create(request, new InfotextFacts { SamplerName = "Euler a" });
        Assert.Contains(", Eta: 0.5", eulerA);
        Assert.DoesNotContain("Sigma churn", eulerA);

        string euler = Infotext.Create(request, new InfotextFacts { SamplerName = "Euler", Version = "v1" });
        Assert.DoesNotContain("Eta", euler);
        Assert.Contains(", Sigma churn: 0.1, Version: v1", euler);
        Assert.DoesNotContain("Sigma tmax", euler); // 0 means infinity, the default
        Assert.DoesNotContain("Sigma noise", euler); // 1.0 is the default

        string ddim = Infotext.Create(request with { Eta = 0.0 }, new InfotextFacts { SamplerName = "DDIM" });
        Assert.DoesNotContain("Eta", ddim);
        string ddimEta = Infotext.Create(request with { Eta = 1.0 }, new InfotextFacts { SamplerName = "DDIM" });
        Assert.Contains("Eta DDIM: 1", ddimEta);
    }

    [Fact]
    public void VariationSeed_WrittenOnlyWithStrength()
    {
        var facts = new InfotextFacts { Seed = 5, Subseed = 77, SamplerName = "Euler" };
        Assert.DoesNotContain("Variation", Infotext.Create(new GenerationRequest(), facts));
        string text = Infotext.Create(new GenerationRequest { SubseedStrength = 1 }, facts);
        Assert.Contains("Seed: 5, Size: 512x512, Variation seed: 77, Variation seed strength: 1", text);
    }

    [Fact]
    public void JsonString_MatchesPythonJsonDumps()
    {
        Assert.Equal("\"a\\\"b\\\\c\\n\\u0001猫\"", PythonText.JsonString("a\"b\\c\n\u0001猫"));
        Assert.Equal("\"\\u732b\\u007f\\ud83d\\ude00\"", PythonText.JsonString("猫\u007f😀", ensureAscii: true));
    }

    [Fact]
    public void SamplerName_FallsBackToTheRequest()
    {
        string text = Infotext.Create(new GenerationRequest { Sampler = "Heun" }, new InfotextFacts());
        Assert.Contains("Steps: 20, Sampler: Heun, CFG scale: 7,", text);
    }

    [Theory]
    [InlineData(7.0, "7.0")]
    [InlineData(0.75, "0.75")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e-05, "1e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(1.5e-7, "1.5e-07")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(123456789.125, "123456789.125")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(1.5730000000000004, "1.5730000000000004")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(-0.0, "-0.0")]
    public void PythonFloatRepr(double value, string expected) => Assert.Equal(expected, PythonText.Float(value));
}
