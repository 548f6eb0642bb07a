using Bunit;
using Microsoft.Extensions.DependencyInjection;
using WebUI.Api.Options;
using WebUI.Components.Layout;
using WebUI.Components.Panels;
using WebUI.Components.State;
using WebUI.Components.Tabs;
using WebUI.Generation;
using WebUI.Hosting;
using WebUI.Settings;
using WebUI.Storage;
using WebUI.Tests.Queue;
using WebUI.Tests.Support;

namespace WebUI.Tests.Components;

/// <summary>The Settings tab's RNG source and sampler parameters: stored in the options store the API shares, applied to UI jobs.</summary>
public sealed class SamplerParameterSettingsTests : UiTestContext
{
    public SamplerParameterSettingsTests() =>
        Services.AddSingleton<IOptionsStore>(sp => new LiteDbOptionsStore(sp.GetRequiredService<AppDatabase>(), OptionCatalog.Create(Paths)));

    IOptionsStore Options => Services.GetRequiredService<IOptionsStore>();

    [Fact]
    public void The_tab_shows_the_stored_values_and_saves_edits_to_the_options_the_API_reads()
    {
        RenderProviders();
        Options.Set(new Dictionary<string, object?> { ["randn_source"] = "CPU" }); // as POST /sdapi/v1/options would
        var cut = Render<SettingsTab>();
        Assert.Equal("CPU", cut.Find("#settings-rng").GetAttribute("value"));
        cut.Find("#settings-eta-ancestral").Change("0.5");
        cut.Find("#settings-s-churn").Change("2");
        cut.Find("#settings-save").Click();

        cut.WaitForAssertion(() =>
        {
            Assert.Equal(0.5, Options.Get("eta_ancestral"));
            Assert.Equal(2.0, Options.Get("s_churn"));
        });
        Assert.Equal("CPU", Options.Get("randn_source"));
        Assert.Equal(0.0, Options.Get("eta_ddim"));
    }

    [Fact]
    public void A_value_out_of_range_is_refused_with_its_key_and_nothing_is_stored()
    {
        // The fields clamp to the ranges; a value that still gets through (or comes from elsewhere) is refused whole.
        var e = Assert.Throws<ArgumentException>(() => new SamplerParameters { SNoise = 5, EtaDdim = 0.3 }.SaveTo(Options));
        Assert.Contains("s_noise", e.Message);
        Assert.Equal(1.0, Options.Get("s_noise"));
        Assert.Equal(0.0, Options.Get("eta_ddim"));
    }

    [Fact]
    public void A_ui_job_carries_the_stored_rng_source_and_sampler_parameters()
    {
        RenderProviders();
        Options.Set(new Dictionary<string, object?> { ["randn_source"] = "CPU", ["eta_ancestral"] = 0.25, ["s_noise"] = 0.9 });
        Render<CheckpointPicker>();
        var cut = Render<GenerationPanel>(p => p.Add(x => x.Mode, GenerationMode.Txt2Img));
        cut.Find("#txt2img-generate").Click();
        var r = Assert.Single(WaitForRequests(cut, 1));
        Assert.Equal("CPU", r.RngSource);
        Assert.Equal(0.9, r.SNoise);
        Assert.Null(r.SChurn);    // defaults stay out of the request (and the infotext)
        Assert.Null(r.Eta);       // the default sampler (DPM++ 2M) has no eta
    }

    [Fact]
    public void Eta_comes_from_the_samplers_family_setting()
    {
        var p = new SamplerParameters { EtaAncestral = 0.5, EtaDdim = 0.2 };
        Assert.Equal(0.5, p.ApplyTo(new() { Sampler = "Euler a" }).Eta);
        Assert.Equal(0.2, p.ApplyTo(new() { Sampler = "DDIM" }).Eta);
        Assert.Null(p.ApplyTo(new() { Sampler = "Euler" }).Eta);
        Assert.Null(new SamplerParameters().ApplyTo(new() { Sampler = "Euler a" }).Eta); // 1 is the default: not named
        Assert.Equal(0.7, p.ApplyTo(new() { Sampler = "Euler a", Eta = 0.7 }).Eta);   // the request's own value wins
    }
}

/// <summary>The same through the real engine: the infotext names the RNG source exactly as the engine writes it.</summary>
[Collection(DemoDataDirCollection.Name)]
public sealed class SamplerParameterInfotextTests(DemoDataDir demo)
{
    [Fact]
    public void Setting_CPU_gives_a_generation_whose_infotext_says_RNG_CPU()
    {
        using var service = GenerationService.Create(new WebUISettings { DataDir = demo.Path, IntraOpThreads = 1 }, demo.Paths);
        var request = new SamplerParameters { RngSource = "CPU" }.ApplyTo(QueueTestKit.Request("a lighthouse", steps: 2));
        var infotext = service.Engine.Generate(request).Images[0].Infotext;
        Assert.Contains("RNG: CPU", infotext);
        var gpu = service.Engine.Generate(new SamplerParameters().ApplyTo(QueueTestKit.Request("a lighthouse", steps: 2))).Images[0].Infotext;
        Assert.DoesNotContain("RNG:", gpu);
    }
}
