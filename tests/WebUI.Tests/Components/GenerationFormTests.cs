using WebUI.Components.State;
using WebUI.Diffusion.Pipelines;
using WebUI.Settings;

namespace WebUI.Tests.Components;

public sealed class GenerationFormTests
{
    [Fact]
    public void Seed_extras_reach_the_request_only_while_the_Extra_box_is_ticked()
    {
        var form = new GenerationForm(GenerationMode.Txt2Img) { Subseed = 9, SubseedStrength = 0.4, SeedResizeFromWidth = 256, SeedResizeFromHeight = 320 };
        var off = form.ToRequest();
        Assert.Equal((-1L, 0.0, 0, 0), (off.Subseed, off.SubseedStrength, off.SeedResizeFromWidth, off.SeedResizeFromHeight));
        form.SeedExtras = true;
        var on = form.ToRequest();
        Assert.Equal((9L, 0.4, 256, 320), (on.Subseed, on.SubseedStrength, on.SeedResizeFromWidth, on.SeedResizeFromHeight));
    }

    [Fact]
    public void Txt2img_never_sends_an_init_image_and_img2img_does()
    {
        byte[] png = [1, 2, 3];
        Assert.Null(new GenerationForm(GenerationMode.Txt2Img).ToRequest(png).InitImage);
        Assert.Same(png, new GenerationForm(GenerationMode.Img2Img).ToRequest(png).InitImage);
    }

    [Fact]
    public void Reading_an_A1111_infotext_keeps_the_chosen_checkpoint_and_turns_absent_extras_off()
    {
        var form = new GenerationForm(GenerationMode.Img2Img) { Model = "mine", SeedExtras = true, SubseedStrength = 0.5 };
        form.LoadInfotext("""
            portrait of a knight
            Negative prompt: bad hands
            Steps: 35, Sampler: DPM++ SDE, Schedule type: Karras, CFG scale: 4, Seed: 12, Size: 512x768, Model hash: abcdef0123, Model: sd15, Denoising strength: 0.55, Version: v1.10.1
            """);
        Assert.Equal("mine", form.Model);
        Assert.Equal(("portrait of a knight", "bad hands", 35, "DPM++ SDE", 4.0, 12L, 512, 768, 0.55),
            (form.Prompt, form.NegativePrompt, form.Steps, form.Sampler, form.CfgScale, form.Seed, form.Width, form.Height, form.DenoisingStrength));
        Assert.False(form.SeedExtras);
        Assert.Equal(0, form.ToRequest().SubseedStrength);
    }

    [Fact]
    public void A_bad_number_in_the_infotext_is_a_format_error_and_leaves_the_fields_alone()
    {
        var form = new GenerationForm(GenerationMode.Txt2Img) { Prompt = "keep me", Steps = 20 };
        Assert.Throws<FormatException>(() => form.LoadInfotext("x\nSteps: many, Sampler: Euler, Seed: 1"));
        Assert.Equal(("keep me", 20), (form.Prompt, form.Steps));
    }

    [Theory]
    [InlineData("a cat\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512", true)]
    [InlineData("a cat, style: watercolor, mood: calm, light: soft", false)]
    [InlineData("just a prompt", false)]
    public void Only_text_with_a_parameter_line_counts_as_an_infotext(string text, bool expected) =>
        Assert.Equal(expected, GenerationForm.LooksLikeInfotext(text));

    [Fact]
    public void Reading_an_infotext_ticks_hires_fix_as_A1111_does_and_fills_its_fields()
    {
        var form = new GenerationForm(GenerationMode.Txt2Img);
        form.LoadInfotext("a castle\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 5, Size: 512x384, Denoising strength: 0.45, " +
                          "Hires upscale: 1.75, Hires steps: 8, Hires upscaler: Latent (bicubic)");
        Assert.Equal((true, 1.75, 8, "Latent (bicubic)", 0.45), (form.HiresFix, form.HiresScale, form.HiresSteps, form.HiresUpscaler, form.HiresDenoisingStrength));
        Assert.Equal((896, 672), form.HiresTargetSize);
        var r = form.ToRequest();
        Assert.Equal((true, 1.75, 0.45), (r.EnableHr, r.HrScale, r.DenoisingStrength));

        // "Denoising strength" alone (an img2img picture) does not tick it.
        form.LoadInfotext("a castle\nSteps: 20, Sampler: Euler, Seed: 5, Size: 512x384, Denoising strength: 0.45");
        Assert.False(form.HiresFix);
        form.LoadInfotext("a castle\nSteps: 20, Sampler: Euler, Seed: 5, Size: 512x384, Denoising strength: 0.6, Hires resize: 1024x0, Hires upscaler: None");
        Assert.Equal((true, 1024, 0, (1024, 768)), (form.HiresFix, form.HiresResizeX, form.HiresResizeY, form.HiresTargetSize));
    }

    [Fact]
    public void Reading_an_inpainting_infotext_fills_the_inpainting_options()
    {
        var form = new GenerationForm(GenerationMode.Img2Img);
        form.LoadInfotext("a door\nSteps: 20, Sampler: Euler, Seed: 5, Size: 512x512, Denoising strength: 0.8, Mask blur: 12, " +
                          "Mask mode: Inpaint not masked, Masked content: latent nothing, Inpaint area: Only masked, Masked area padding: 64");
        Assert.Equal((12, true, InpaintingFill.LatentNothing, true, 64, 0.8),
            (form.MaskBlur, form.InpaintNotMasked, form.MaskedContent, form.InpaintOnlyMasked, form.MaskPadding, form.DenoisingStrength));
        byte[] picture = [1], mask = [2];
        var r = form.ToRequest(picture, mask);
        Assert.Equal((mask, 12, InpaintingFill.LatentNothing, 64), (r.Mask, r.MaskBlurY, r.InpaintingFill, r.InpaintFullResPadding));
        Assert.Null(new GenerationForm(GenerationMode.Txt2Img).ToRequest(picture, mask).Mask);
    }

    [Fact]
    public void Every_hires_upscaler_the_list_offers_is_one_the_engine_accepts()
    {
        foreach (string name in WebUI.Components.Panels.HiresFixControls.HiresUpscalers)
        {
            var request = new GenerationRequest { EnableHr = true, HrUpscaler = name, Steps = 4, Width = 64, Height = 64 };
            Assert.Empty(FormErrors.Validate(request));
        }
        var bad = new GenerationRequest { EnableHr = true, HrUpscaler = "ESRGAN_4x", Steps = 4, Width = 64, Height = 64 };
        Assert.Contains("ESRGAN_4x", FormErrors.Validate(bad)[WebUI.Generation.FormValidator.RequestKey].ToString());
    }

    [Fact]
    public void Installation_defaults_fill_a_new_form()
    {
        var form = new GenerationForm(GenerationMode.Txt2Img);
        form.ApplyDefaults(new InterfaceSettings { DefaultSampler = "Euler a", DefaultScheduler = "Karras", DefaultSteps = 8, DefaultWidth = 256, DefaultHeight = 384 });
        Assert.Equal(("Euler a", "Karras", 8, 256, 384), (form.Sampler, form.Scheduler, form.Steps, form.Width, form.Height));
    }
}
