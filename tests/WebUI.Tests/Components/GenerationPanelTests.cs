using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using WebUI.Components.Layout;
using WebUI.Components.Panels;
using WebUI.Components.State;
using WebUI.Diffusion.Pipelines;
using WebUI.Queue;

namespace WebUI.Tests.Components;

public sealed class GenerationPanelTests : UiTestContext
{
    IRenderedComponent<GenerationPanel> RenderTxt2Img()
    {
        RenderProviders();
        Render<CheckpointPicker>(); // picks the demo checkpoint for the workspace, as the top bar does
        return Render<GenerationPanel>(p => p.Add(x => x.Mode, GenerationMode.Txt2Img));
    }

    static JobOutcome OutcomeFor(JobView job, string savedPath, long seed = 1234)
    {
        var r = job.Request;
        string infotext = $"{r.Prompt}\nSteps: {r.Steps}, Sampler: {r.Sampler}, Schedule type: Exponential, CFG scale: 7, Seed: {seed}, Size: {r.Width}x{r.Height}, Model: demo";
        var image = new GeneratedImage([0x89, 0x50, 0x4E, 0x47], seed, seed + 100, infotext, r.Width, r.Height);
        return new JobOutcome(job.Id, new GenerationResult([image], r) { Timings = new PipelineTimings(2.5, 2, 0.2, 0.3, r.Steps) }, [savedPath]);
    }

    [Fact]
    public void Shows_the_A1111_controls_with_their_defaults_and_counts_prompt_tokens_with_the_checkpoints_tokenizer()
    {
        var cut = RenderTxt2Img();
        foreach (string id in new[] { "prompt", "negative-prompt", "sampler", "scheduler", "steps", "width", "height", "cfg-scale", "seed",
                                      "batch-count", "batch-size", "generate", "seed-random", "seed-reuse", "swap-size", "paste" })
            Assert.NotNull(cut.Find($"#txt2img-{id}"));
        Assert.Equal("20", cut.Find("#txt2img-steps").GetAttribute("value"));
        Assert.Equal("512", cut.Find("#txt2img-width").GetAttribute("value"));
        Assert.Equal("7", cut.Find("#txt2img-cfg-scale").GetAttribute("value"));
        Assert.Equal("-1", cut.Find("#txt2img-seed").GetAttribute("value"));
        Assert.Equal("DPM++ 2M", cut.Find("#txt2img-sampler").GetAttribute("value"));
        Assert.Equal("Automatic", cut.Find("#txt2img-scheduler").GetAttribute("value"));
        Assert.Equal("0/75", cut.Find("#txt2img-token-counter").TextContent.Trim());

        cut.Find("#txt2img-prompt").Input("a photo of a cat");
        Assert.Equal("5/75", cut.Find("#txt2img-token-counter").TextContent.Trim());
        // 80 words spill into a second 75-token chunk, as A1111 counts them.
        cut.Find("#txt2img-prompt").Input(string.Join(' ', Enumerable.Repeat("cat", 80)));
        Assert.Equal("80/150", cut.Find("#txt2img-token-counter").TextContent.Trim());
    }

    [Fact]
    public void Ticking_hires_fix_shows_its_options_with_A1111s_defaults_and_sends_the_second_pass()
    {
        var cut = RenderTxt2Img();
        Assert.Empty(cut.FindAll("#txt2img-hires-scale"));
        cut.Find("#txt2img-hires-fix").Change(true);
        Assert.Equal("2", cut.WaitForElement("#txt2img-hires-scale").GetAttribute("value"));
        Assert.Equal("0.7", cut.Find("#txt2img-hires-denoising").GetAttribute("value"));
        Assert.Equal("Latent", cut.Find("#txt2img-hires-upscaler").GetAttribute("value"));
        Assert.Equal("from 512×512 to 1024×1024", cut.Find("#txt2img-hires-size").TextContent.Trim());

        cut.Find("#txt2img-hires-scale").Change("1.5");
        cut.Find("#txt2img-hires-steps").Change("6");
        cut.Find("#txt2img-hires-denoising").Change("0.55");
        cut.WaitForAssertion(() => Assert.Equal("from 512×512 to 768×768", cut.Find("#txt2img-hires-size").TextContent.Trim()));
        cut.Find("#txt2img-hires-resize-x").Change("640");
        cut.WaitForAssertion(() => Assert.Equal("from 512×512 to 640×640", cut.Find("#txt2img-hires-size").TextContent.Trim()));
        cut.Find("#txt2img-generate").Click();

        var r = Assert.Single(WaitForRequests(cut, 1));
        Assert.Equal((true, "Latent", 1.5, 6, 0.55, 640, 0), (r.EnableHr, r.HrUpscaler, r.HrScale, r.HrSecondPassSteps, r.DenoisingStrength, r.HrResizeX, r.HrResizeY));
    }

    [Fact]
    public void A_hires_scale_outside_the_slider_is_refused_at_the_field()
    {
        var cut = RenderTxt2Img();
        cut.Find("#txt2img-hires-fix").Change(true);
        cut.WaitForElement("#txt2img-hires-scale").Change("9");
        cut.Find("#txt2img-generate").Click();
        cut.WaitForAssertion(() => Assert.Contains("Upscale by must be between 1 and 4.", cut.Markup));
        Assert.Empty(Queue.Requests);
    }

    [Fact]
    public void Without_hires_fix_txt2img_sends_no_second_pass()
    {
        var cut = RenderTxt2Img();
        cut.Find("#txt2img-generate").Click();
        Assert.False(Assert.Single(WaitForRequests(cut, 1)).EnableHr);
    }

    [Theory]
    [InlineData("#txt2img-width", "500", "Width must be a multiple of 8 between 64 and 2048 (got 500).")]
    [InlineData("#txt2img-steps", "0", "Sampling steps must be between 1 and 150.")]
    public void Bad_field_values_are_reported_at_the_field_and_in_a_toast_and_nothing_is_queued(string field, string value, string message)
    {
        var cut = RenderTxt2Img();
        cut.Find(field).Change(value);
        cut.Find("#txt2img-generate").Click();

        Assert.Empty(Queue.Requests);
        cut.WaitForAssertion(() => Assert.Contains(message, cut.Markup));
        Assert.Contains(Snackbar.ShownSnackbars, s => s.Message == message);
        Assert.NotNull(cut.Find("#txt2img-generate"));
    }

    [Fact]
    public void A_request_the_queue_refuses_is_reported_and_nothing_runs()
    {
        Queue.EnqueueFailure = new ArgumentException("Model not found: demo");
        var cut = RenderTxt2Img();
        cut.Find("#txt2img-generate").Click();
        cut.WaitForAssertion(() => Assert.Contains("Model not found: demo", cut.Find("#txt2img-request-error").TextContent));
        Assert.NotNull(cut.Find("#txt2img-generate"));
    }

    [Fact]
    public void Generate_queues_the_fields_for_this_user_then_shows_progress_with_Interrupt_and_Skip()
    {
        var cut = RenderTxt2Img();
        cut.Find("#txt2img-prompt").Input("a lighthouse at dusk");
        cut.Find("#txt2img-negative-prompt").Input("blurry");
        cut.Find("#txt2img-steps").Change("12");
        cut.Find("#txt2img-width").Change("640");
        cut.Find("#txt2img-seed").Change("42");
        cut.Find("#txt2img-generate").Click();

        Assert.DoesNotContain(Snackbar.ShownSnackbars, s => s.Severity == Severity.Error);
        var job = WaitForSingleJob(cut);
        Assert.Equal(UserId, job.Owner.UserId);
        Assert.Equal(JobSource.Ui, job.Owner.Source);
        var r = job.Request;
        Assert.Equal(("demo", "a lighthouse at dusk", "blurry", 12, 640, 512, 42L), (r.Model, r.Prompt, r.NegativePrompt, r.Steps, r.Width, r.Height, r.Seed));
        Assert.False(r.IsImg2Img);

        // The queue has the job before the panel's re-render that swaps Generate for the progress is done.
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#txt2img-generate")));
        cut.WaitForAssertion(() => Assert.Contains("Waiting in the queue", cut.Find("#txt2img-progress").TextContent));

        Queue.Start(job.Id);
        Queue.Progress(job.Id, 3, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(6));
        cut.WaitForAssertion(() =>
        {
            string text = cut.Find("#txt2img-progress").TextContent;
            Assert.Contains("Step 3/12", text);
            Assert.Contains("25%", text);
            Assert.Contains("Elapsed 0:02", text);
            Assert.Contains("ETA 0:06", text);
        });

        cut.Find("#txt2img-skip").Click();
        cut.WaitForAssertion(() => Assert.Equal((job.Id, UserId), Assert.Single(Queue.Skipped)));

        cut.Find("#txt2img-interrupt").Click();
        cut.WaitForAssertion(() => Assert.Contains((job.Id, UserId), Queue.Canceled));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#txt2img-generate")));
        // The "finished" repaint and the outcome's toast come from two dispatches: wait for each.
        cut.WaitForAssertion(() => Assert.Contains(Snackbar.ShownSnackbars, s => s.Message == "Interrupted."));
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#txt2img-progress")));
    }

    [Fact]
    public void A_finished_job_shows_its_picture_infotext_and_time_and_the_recycle_button_takes_its_seed()
    {
        var cut = RenderTxt2Img();
        cut.Find("#txt2img-generate").Click();
        var job = WaitForSingleJob(cut);
        string saved = Path.Combine(Paths.Txt2ImgDir, "2024-01-02", "00000-1234.png");
        Queue.Start(job.Id);
        Queue.Finish(job.Id, OutcomeFor(job, saved));

        cut.WaitForAssertion(() => Assert.Contains("Seed: 1234", cut.Find("#txt2img-infotext").TextContent));
        Assert.Equal("/outputs/txt2img-images/2024-01-02/00000-1234.png", cut.Find("#txt2img-result-image").GetAttribute("src"));
        Assert.Equal("Time taken: 2.5 sec.", cut.Find("#txt2img-timing").TextContent.Trim());
        Assert.Equal("00000-1234.png", cut.Find("#txt2img-save").GetAttribute("download"));

        // Clicks are dispatched through the renderer, which may still be busy with the job's last repaint.
        cut.Find("#txt2img-seed-reuse").Click();
        cut.WaitForAssertion(() => Assert.Equal("1234", cut.Find("#txt2img-seed").GetAttribute("value")));
        cut.Find("#txt2img-seed-random").Click();
        cut.WaitForAssertion(() => Assert.Equal("-1", cut.Find("#txt2img-seed").GetAttribute("value")));
    }

    [Fact]
    public async Task Ctrl_Enter_queues_another_job_while_this_panels_job_runs_and_Escape_interrupts_only_this_users_job()
    {
        var cut = RenderTxt2Img();
        var other = Queue.AddForeign(new JobOwner("someone-else", "Bob", JobSource.Ui), "bob's castle");
        Queue.Start(other.Id);

        cut.Find("#txt2img-prompt").Input("first");
        cut.Find("#txt2img-generate").Click();
        WaitForRequests(cut, 2); // Bob's and the first
        cut.Find("#txt2img-prompt").Input("second");
        await cut.InvokeAsync(() => cut.Instance.OnShortcut("generate"));

        var mine = Queue.Snapshot().Where(j => j.Owner.UserId == UserId).ToList();
        Assert.Equal(["first", "second"], mine.Select(j => j.Request.Prompt));

        await cut.InvokeAsync(() => cut.Instance.OnShortcut("interrupt"));
        Assert.Equal([(mine[0].Id, UserId)], Queue.Canceled);
        Assert.Equal(JobState.Running, Queue.Get(other.Id)!.State);
        // The second job is still this panel's: Interrupt stays until it ends too.
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#txt2img-interrupt")));
    }

    [Fact]
    public void Preview_frames_of_this_panels_job_are_pushed_to_the_canvas_and_other_jobs_frames_are_not()
    {
        var draws = JSInterop.SetupVoid("webuiPreview.draw", _ => true);
        draws.SetVoidResult();
        var cut = RenderTxt2Img();
        var other = Queue.AddForeign(new JobOwner("someone-else", "Bob", JobSource.Ui), "bob's castle");
        cut.Find("#txt2img-generate").Click();
        WaitForRequests(cut, 2);
        var job = Queue.Snapshot().Single(j => j.Owner.UserId == UserId);

        Queue.Start(other.Id);
        Queue.Preview(other.Id, [9, 9, 9], 1, "{}");
        Queue.Start(job.Id);
        Queue.Preview(job.Id, [1, 2, 3], 2, "{\"factors\":[]}");

        cut.WaitForAssertion(() => Assert.Single(draws.Invocations["webuiPreview.draw"]));
        var call = draws.Invocations["webuiPreview.draw"][0];
        Assert.Equal("txt2img-preview", call.Arguments[0]);
        Assert.Equal(new byte[] { 1, 2, 3 }, call.Arguments[1]);
        Assert.Equal("{\"factors\":[]}", call.Arguments[2]);
        cut.WaitForAssertion(() => Assert.DoesNotContain("webui-hidden", cut.Find("#txt2img-preview").ClassName));
    }

    [Fact]
    public async Task Pasting_an_infotext_fills_every_field_and_splits_a_legacy_sampler_name()
    {
        var cut = RenderTxt2Img();
        const string infotext = "a castle on a hill, (masterpiece:1.2)\nNegative prompt: lowres\n" +
                                "Steps: 28, Sampler: Euler Karras, CFG scale: 6.5, Seed: 987654321, Size: 640x448, Model hash: 0123456789, Model: other, " +
                                "Variation seed: 5, Variation seed strength: 0.3, Seed resize from: 512x512";
        await cut.InvokeAsync(() => cut.Instance.OnInfotextPasted(infotext));

        Assert.Equal("a castle on a hill, (masterpiece:1.2)", cut.Find("#txt2img-prompt").GetAttribute("value") ?? cut.Find("#txt2img-prompt").TextContent);
        Assert.Equal("28", cut.Find("#txt2img-steps").GetAttribute("value"));
        Assert.Equal("Euler", cut.Find("#txt2img-sampler").GetAttribute("value"));
        Assert.Equal("Karras", cut.Find("#txt2img-scheduler").GetAttribute("value"));
        Assert.Equal("6.5", cut.Find("#txt2img-cfg-scale").GetAttribute("value"));
        Assert.Equal("987654321", cut.Find("#txt2img-seed").GetAttribute("value"));
        Assert.Equal("640", cut.Find("#txt2img-width").GetAttribute("value"));
        Assert.Equal("448", cut.Find("#txt2img-height").GetAttribute("value"));
        // Seed extras open because the text has a variation seed.
        Assert.Equal("5", cut.Find("#txt2img-subseed").GetAttribute("value"));
        Assert.Equal("0.3", cut.Find("#txt2img-subseed-strength").GetAttribute("value"));

        cut.Find("#txt2img-generate").Click();
        var r = Assert.Single(WaitForRequests(cut, 1));
        Assert.Equal("demo", r.Model); // the checkpoint stays the user's choice (A1111: disable_weights_auto_swap)
        Assert.Equal("lowres", r.NegativePrompt);
        Assert.Equal((5L, 0.3, 512, 512), (r.Subseed, r.SubseedStrength, r.SeedResizeFromWidth, r.SeedResizeFromHeight));
    }

    [Fact]
    public void Reuse_parameters_reads_the_shown_pictures_infotext_back_into_the_fields()
    {
        var cut = RenderTxt2Img();
        cut.Find("#txt2img-prompt").Input("red apple");
        cut.Find("#txt2img-steps").Change("9");
        cut.Find("#txt2img-generate").Click();
        var job = WaitForSingleJob(cut);
        Queue.Finish(job.Id, OutcomeFor(job, Path.Combine(Paths.Txt2ImgDir, "x", "00001-77.png"), seed: 77));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#txt2img-reuse")));

        cut.Find("#txt2img-prompt").Input("something else");
        cut.Find("#txt2img-steps").Change("30");
        cut.Find("#txt2img-reuse").Click();

        cut.WaitForAssertion(() => Assert.Equal("9", cut.Find("#txt2img-steps").GetAttribute("value")));
        Assert.Equal("77", cut.Find("#txt2img-seed").GetAttribute("value"));
        Assert.Equal("Exponential", cut.Find("#txt2img-scheduler").GetAttribute("value"));
        cut.Find("#txt2img-generate").Click();
        Assert.Equal("red apple", WaitForRequests(cut, 2)[^1].Prompt);
    }

    [Fact]
    public void A_failed_job_is_reported_and_the_page_stays_usable()
    {
        var cut = RenderTxt2Img();
        cut.Find("#txt2img-generate").Click();
        var job = WaitForSingleJob(cut);
        Queue.Fail(job.Id, "unet/model.onnx is truncated");
        cut.WaitForAssertion(() => Assert.Contains(Snackbar.ShownSnackbars, s => s.Message == "Generation failed: unet/model.onnx is truncated"));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#txt2img-generate")));
        Assert.Empty(cut.FindAll("#txt2img-infotext"));
    }

    [Fact]
    public void A_reloaded_page_follows_the_users_unfinished_job()
    {
        RenderProviders();
        var earlier = Queue.Enqueue(new GenerationRequest { Prompt = "queued before the reload" }, new JobOwner(UserId, "me", JobSource.Ui));
        Queue.Start(earlier.Id);
        var cut = Render<GenerationPanel>(p => p.Add(x => x.Mode, GenerationMode.Txt2Img));
        cut.WaitForElement("#txt2img-interrupt");
        Queue.Progress(earlier.Id, 5, TimeSpan.FromSeconds(1), null);
        cut.WaitForAssertion(() => Assert.Contains("Step 5/20", cut.Find("#txt2img-progress").TextContent));
    }
}
