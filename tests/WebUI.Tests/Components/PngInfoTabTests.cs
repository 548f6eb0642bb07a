using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using WebUI.Components.State;
using WebUI.Components.Tabs;

namespace WebUI.Tests.Components;

public sealed class PngInfoTabTests : UiTestContext
{
    const string Parameters = "a red fox in snow\nNegative prompt: blurry\nSteps: 24, Sampler: Euler a, Schedule type: Automatic, CFG scale: 5.5, Seed: 31337, Size: 448x576, Model: demo";

    [Fact]
    public void Shows_a_pictures_parameters_and_sends_them_to_txt2img()
    {
        RenderProviders();
        var cut = Render<PngInfoTab>();
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(Img2ImgTests.Png(64, 64, Parameters), "fox.png", contentType: "image/png"));

        cut.WaitForAssertion(() => Assert.Equal(Parameters, cut.Find("#pnginfo-parameters").TextContent));
        cut.Find("#pnginfo-send-txt2img").Click();

        // The click is dispatched through the renderer, which may still be busy with the upload's render.
        var workspace = Services.GetRequiredService<WorkspaceState>();
        cut.WaitForAssertion(() => Assert.Equal(MainTab.Txt2Img, workspace.ActiveTab));
        var form = workspace.Txt2Img;
        Assert.Equal(("a red fox in snow", "blurry", 24, "Euler a", 5.5, 31337L, 448, 576),
            (form.Prompt, form.NegativePrompt, form.Steps, form.Sampler, form.CfgScale, form.Seed, form.Width, form.Height));
    }

    [Fact]
    public void Send_to_img2img_takes_the_picture_and_its_parameters()
    {
        RenderProviders();
        var cut = Render<PngInfoTab>();
        byte[] png = Img2ImgTests.Png(64, 64, Parameters);
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(png, "fox.png", contentType: "image/png"));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#pnginfo-send-img2img")));
        cut.Find("#pnginfo-send-img2img").Click();

        var workspace = Services.GetRequiredService<WorkspaceState>();
        cut.WaitForAssertion(() => Assert.Equal((MainTab.Img2Img, Img2ImgSource.Img2Img), (workspace.ActiveTab, workspace.Img2ImgTab)));
        Assert.Equal(png, workspace.Img2ImgImage!.Data);
        Assert.Equal(31337L, workspace.Img2Img.Seed);
    }

    [Fact]
    public void A_picture_without_parameters_says_so()
    {
        RenderProviders();
        var cut = Render<PngInfoTab>();
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(Img2ImgTests.Png(32, 32), "plain.png", contentType: "image/png"));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#pnginfo-none")));
        Assert.Empty(cut.FindAll("#pnginfo-send-txt2img"));
    }
}
