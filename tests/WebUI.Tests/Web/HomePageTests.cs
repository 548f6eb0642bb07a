using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using WebUI.Components.Pages;
using WebUI.Diffusion.Sampling;
using WebUI.Generation;

namespace WebUI.Tests.Web;

public sealed class HomePageTests : BunitContext, IAsyncLifetime
{
    readonly RecordingGenerationService service = new();

    public HomePageTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<IGenerationService>(service);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services are IAsyncDisposable only.
    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();

    IRenderedComponent<Home> RenderHome()
    {
        Render<MudPopoverProvider>();
        Render<MudSnackbarProvider>();
        return Render<Home>();
    }

    [Fact]
    public void Renders_the_A1111_controls_with_their_defaults()
    {
        var cut = RenderHome();
        foreach (string id in new[] { "checkpoint", "prompt", "negative-prompt", "sampler", "scheduler", "steps", "width", "height",
                                      "cfg-scale", "seed", "batch-count", "batch-size", "generate", "seed-random", "seed-reuse" })
            Assert.NotNull(cut.Find($"#{id}"));
        Assert.Equal("20", cut.Find("#steps").GetAttribute("value"));
        Assert.Equal("512", cut.Find("#width").GetAttribute("value"));
        Assert.Equal("512", cut.Find("#height").GetAttribute("value"));
        Assert.Equal("7", cut.Find("#cfg-scale").GetAttribute("value"));
        Assert.Equal("-1", cut.Find("#seed").GetAttribute("value"));
        Assert.Equal(SamplerCatalog.Names[0], cut.Find("#sampler").GetAttribute("value"));
        Assert.Equal("Automatic", cut.Find("#scheduler").GetAttribute("value"));
        Assert.Equal("demo [0123456789]", cut.Find("#checkpoint").GetAttribute("value"));
    }

    [Fact]
    public void Width_500_is_refused_with_a_field_error_and_a_snackbar_and_nothing_runs()
    {
        var cut = RenderHome();
        cut.Find("#width").Change("500");
        cut.Find("#generate").Click();

        Assert.Empty(service.Requests);
        cut.WaitForAssertion(() => Assert.Contains("Width must be a multiple of 8", cut.Markup));
        var snackbar = Services.GetRequiredService<ISnackbar>();
        Assert.Contains(snackbar.ShownSnackbars, s => s.Message != null && s.Message.Contains("Width must be a multiple of 8"));
    }

    [Fact]
    public void Generate_sends_the_fields_to_the_service_and_shows_the_picture_and_its_infotext()
    {
        var cut = RenderHome();
        cut.Find("#prompt").Input("a lighthouse at dusk");
        cut.Find("#negative-prompt").Input("blurry");
        cut.Find("#steps").Change("12");
        cut.Find("#width").Change("640");
        cut.Find("#seed").Change("42");
        cut.Find("#generate").Click();

        var request = Assert.Single(service.Requests);
        Assert.Equal("demo", request.Model);
        Assert.Equal("a lighthouse at dusk", request.Prompt);
        Assert.Equal("blurry", request.NegativePrompt);
        Assert.Equal(12, request.Steps);
        Assert.Equal(640, request.Width);
        Assert.Equal(512, request.Height);
        Assert.Equal(42, request.Seed);
        Assert.Equal(7.0, request.CfgScale);

        cut.WaitForAssertion(() => Assert.Contains("Steps: 12", cut.Find("#infotext").TextContent));
        Assert.Equal("/outputs/txt2img-images/2024-01-02/00000-1234.png", cut.Find("#gallery img").GetAttribute("src"));
    }

    [Fact]
    public void Running_job_shows_step_progress_and_Interrupt_cancels_it()
    {
        service.HoldJobs = true;
        var cut = RenderHome();
        cut.Find("#generate").Click();
        Assert.Empty(cut.FindAll("#generate"));
        Assert.NotNull(cut.Find("#interrupt"));

        service.LastProgress!(new JobProgress(1, 1, 3, 20));
        cut.WaitForAssertion(() => Assert.Contains("Step 3/20", cut.Find("#progress").TextContent));

        cut.Find("#interrupt").Click();
        Assert.True(service.LastToken.IsCancellationRequested);
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#generate")));
        Assert.Empty(cut.FindAll("#progress"));
    }

    [Fact]
    public void Reuse_seed_takes_the_last_pictures_seed_and_random_resets_it()
    {
        var cut = RenderHome();
        cut.Find("#generate").Click();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#infotext")));

        cut.Find("#seed-reuse").Click();
        Assert.Equal("1234", cut.Find("#seed").GetAttribute("value"));
        cut.Find("#seed-random").Click();
        Assert.Equal("-1", cut.Find("#seed").GetAttribute("value"));
    }

    [Fact]
    public void Swap_button_exchanges_width_and_height()
    {
        var cut = RenderHome();
        cut.Find("#height").Change("768");
        cut.Find("#swap-size").Click();
        Assert.Equal("768", cut.Find("#width").GetAttribute("value"));
        Assert.Equal("512", cut.Find("#height").GetAttribute("value"));
    }

    [Fact]
    public void A_failing_job_is_reported_in_a_snackbar_and_the_page_stays_usable()
    {
        service.Failure = new IOException("unet/model.onnx is truncated");
        var cut = RenderHome();
        cut.Find("#generate").Click();
        var snackbar = Services.GetRequiredService<ISnackbar>();
        cut.WaitForAssertion(() => Assert.Contains(snackbar.ShownSnackbars, s => s.Message == "unet/model.onnx is truncated"));
        Assert.NotNull(cut.Find("#generate"));
        Assert.Empty(cut.FindAll("#infotext"));
    }
}
