using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using WebUI.Api.Options;
using WebUI.Components.Layout;
using WebUI.Components.Panels;
using WebUI.Components.State;
using WebUI.Components.Tabs;
using WebUI.Settings;
using WebUI.Storage;
using WebUI.Tests.Support;

namespace WebUI.Tests.Components;

/// <summary>The Settings tab's Clip skip, Emphasis mode and Pad prompt/negative prompt: the API's options, applied to UI jobs.</summary>
public sealed class StableDiffusionSettingsTests : UiTestContext
{
    public StableDiffusionSettingsTests() =>
        Services.AddSingleton<IOptionsStore>(sp => new LiteDbOptionsStore(sp.GetRequiredService<AppDatabase>(), OptionCatalog.Create(Paths)));

    IOptionsStore Options => Services.GetRequiredService<IOptionsStore>();

    [Fact]
    public async Task The_tab_shows_the_stored_values_and_saves_edits_to_the_options_the_API_reads()
    {
        RenderProviders();
        // As POST /sdapi/v1/options would.
        Options.Set(new Dictionary<string, object?> { ["CLIP_stop_at_last_layers"] = 3L, ["emphasis"] = "Ignore", ["pad_cond_uncond"] = true });
        var cut = Render<SettingsTab>();
        Assert.Equal("3", cut.Find("#settings-clip-skip").GetAttribute("value"));
        Assert.Equal("Ignore", cut.Find("#settings-emphasis").GetAttribute("value"));
        Assert.True(cut.Find("#settings-pad-conds").HasAttribute("checked"));

        cut.Find("#settings-clip-skip").Change("2");
        var emphasis = cut.FindComponents<MudSelect<string>>().Single(s => s.FindAll("#settings-emphasis").Count == 1);
        await cut.InvokeAsync(() => emphasis.Instance.ValueChanged.InvokeAsync("No norm"));
        cut.Find("#settings-pad-conds").Change(false);
        cut.Find("#settings-save").Click();

        cut.WaitForAssertion(() =>
        {
            Assert.Equal(2L, Options.Get("CLIP_stop_at_last_layers"));
            Assert.Equal("No norm", Options.Get("emphasis"));
            Assert.Equal(false, Options.Get("pad_cond_uncond"));
        });
        Assert.Equal(1.0, Options.Get("eta_ancestral")); // the sampler section saved alongside, unchanged
    }

    [Fact]
    public void A_ui_job_carries_the_stored_clip_skip_emphasis_and_pad_conds()
    {
        RenderProviders();
        Options.Set(new Dictionary<string, object?> { ["CLIP_stop_at_last_layers"] = 2L, ["emphasis"] = "No norm", ["pad_cond_uncond"] = true });
        Render<CheckpointPicker>();
        var cut = Render<GenerationPanel>(p => p.Add(x => x.Mode, GenerationMode.Txt2Img));
        cut.Find("#txt2img-generate").Click();
        var r = Assert.Single(WaitForRequests(cut, 1));
        Assert.Equal(2, r.ClipSkip);
        Assert.Equal("No norm", r.Emphasis);
        Assert.True(r.PadConds);
    }

    [Fact]
    public void Defaults_leave_the_request_as_A1111_would()
    {
        var r = StableDiffusionParameters.From(Options).ApplyTo(new() { Prompt = "x" });
        Assert.Equal(1, r.ClipSkip);
        Assert.Equal("Original", r.Emphasis);
        Assert.False(r.PadConds);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(13)]
    public void An_out_of_range_clip_skip_is_refused_with_its_key_and_nothing_is_stored(int clipSkip)
    {
        var e = Assert.Throws<ArgumentException>(() => new StableDiffusionParameters { ClipSkip = clipSkip, Emphasis = "None" }.SaveTo(Options));
        Assert.Contains("CLIP_stop_at_last_layers", e.Message);
        Assert.Equal(1L, Options.Get("CLIP_stop_at_last_layers"));
        Assert.Equal("Original", Options.Get("emphasis")); // refused whole
        var applied = Assert.Throws<ArgumentException>(() => new StableDiffusionParameters { ClipSkip = clipSkip }.ApplyTo(new()));
        Assert.Contains("Clip skip", applied.Message);
    }

    [Fact]
    public void An_unknown_emphasis_mode_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new StableDiffusionParameters { Emphasis = "Loud" }.SaveTo(Options));
        Assert.Throws<ArgumentException>(() => new StableDiffusionParameters { Emphasis = "Loud" }.ApplyTo(new()));
        Assert.Equal("No norm", new StableDiffusionParameters { Emphasis = "no norm" }.ApplyTo(new()).Emphasis); // canonical label
    }
}
