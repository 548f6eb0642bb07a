using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using WebUI.Components.Img2Img;
using WebUI.Components.Layout;
using WebUI.Components.Panels;
using WebUI.Components.State;
using WebUI.Diffusion.Imaging;
using WebUI.Diffusion.Pipelines;

namespace WebUI.Tests.Components;

public sealed class Img2ImgTests : UiTestContext
{
    IRenderedComponent<GenerationPanel> RenderImg2Img()
    {
        RenderProviders();
        Render<CheckpointPicker>();
        return Render<GenerationPanel>(p => p.Add(x => x.Mode, GenerationMode.Img2Img));
    }

    internal static byte[] Png(int width, int height, string? parameters = null)
    {
        using var image = new Image<Rgb24>(width, height, new Rgb24(200, 120, 40));
        return PngText.EncodePng(image, parameters);
    }

    /// <summary>A valid PNG header that declares a huge size: identifying it costs nothing, decoding it would not.</summary>
    internal static byte[] PngHeaderClaiming(int width, int height)
    {
        var ihdr = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // RGB
        using var stream = new MemoryStream();
        stream.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(stream, "IHDR", ihdr);
        WriteChunk(stream, "IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        WriteChunk(stream, "IEND", []);
        return stream.ToArray();
    }

    static void WriteChunk(Stream s, string type, byte[] data)
    {
        var length = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        s.Write(length);
        byte[] typeAndData = [.. System.Text.Encoding.ASCII.GetBytes(type), .. data];
        s.Write(typeAndData);
        var crc = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typeAndData));
        s.Write(crc);
    }

    static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    static void Upload(IRenderedComponent<GenerationPanel> cut, string zoneId, byte[] bytes, string name)
    {
        var zone = cut.FindComponents<ImageDropZone>().Single(z => z.Instance.Id == zoneId);
        zone.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(bytes, name, contentType: "image/png"));
    }

    [Fact]
    public void Generate_without_a_picture_says_so_and_queues_nothing()
    {
        var cut = RenderImg2Img();
        cut.Find("#img2img-generate").Click();
        cut.WaitForAssertion(() => Assert.Contains(Snackbar.ShownSnackbars, s => s.Message == "Choose a picture for img2img first."));
        Assert.Empty(Queue.Requests);
    }

    [Fact]
    public void An_uploaded_picture_becomes_the_init_image_with_denoising_strength_and_resize_mode()
    {
        var cut = RenderImg2Img();
        byte[] png = Png(96, 64);
        Upload(cut, "img2img-image", png, "cat.png");
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#img2img-image img")));
        Assert.StartsWith("/scratch/", cut.Find("#img2img-image img").GetAttribute("src"));

        cut.Find("#img2img-denoising-strength").Change("0.4");
        cut.Find("#img2img-use-size").Click(); // 96×64 snapped to the size step
        cut.Find("#img2img-generate").Click();

        var request = Assert.Single(WaitForRequests(cut, 1));
        Assert.Equal(png, request.InitImage);
        Assert.Equal(0.4, request.DenoisingStrength);
        Assert.Equal((96, 64), (request.Width, request.Height));
        Assert.Equal(ResizeMode.JustResize, request.ResizeMode);
    }

    [Theory]
    [InlineData("notes.txt", "\"notes.txt\" is not a PNG, JPEG, WebP or BMP image.")]
    [InlineData("huge.png", "\"huge.png\" is 10000×10000 (100.0 megapixels); the limit is 16.8 megapixels.")]
    public void A_non_image_or_a_100_megapixel_upload_is_refused_at_the_field_and_nothing_is_kept(string name, string message)
    {
        var cut = RenderImg2Img();
        byte[] bytes = name.EndsWith(".txt") ? "just some text"u8.ToArray() : PngHeaderClaiming(10_000, 10_000);
        Upload(cut, "img2img-image", bytes, name);

        cut.WaitForAssertion(() => Assert.Equal(message, cut.Find("#img2img-image-error").TextContent));
        Assert.Contains(Snackbar.ShownSnackbars, s => s.Message == message);
        Assert.Empty(cut.FindAll("#img2img-image img"));
        cut.Find("#img2img-generate").Click();
        // Wait for the click's answer, so "nothing queued" is checked after Generate really ran.
        cut.WaitForAssertion(() => Assert.Contains(Snackbar.ShownSnackbars, s => s.Message == "Choose a picture for img2img first."));
        Assert.Empty(Queue.Requests);
    }

    [Fact]
    public void Inpaint_upload_needs_both_files_then_queues_the_picture_the_mask_and_the_inpainting_options()
    {
        var cut = RenderImg2Img();
        var workspace = Services.GetRequiredService<WorkspaceState>();
        workspace.Img2ImgTab = Img2ImgSource.InpaintUpload;
        byte[] picture = Png(64, 64), mask = Png(64, 64);
        Upload(cut, "upload-image", picture, "picture.png");
        cut.WaitForElement("#upload-image img"); // the upload is read asynchronously
        cut.Find("#img2img-generate").Click();
        cut.WaitForAssertion(() => Assert.Contains(Snackbar.ShownSnackbars, s => s.Message == "Choose a mask picture first."));
        Assert.Empty(Queue.Requests);

        Upload(cut, "upload-mask", mask, "mask.png");
        cut.WaitForElement("#upload-mask img");
        Assert.Equal("4", cut.Find("#inpaint-upload-mask-blur").GetAttribute("value"));
        Assert.Equal("32", cut.Find("#inpaint-upload-padding").GetAttribute("value"));
        cut.Find("#inpaint-upload-mask-blur").Change("9");
        cut.Find("#inpaint-upload-padding").Change("48");
        cut.FindAll("#inpaint-upload-masked-content input")[2].Click(); // latent noise
        cut.FindAll("#inpaint-upload-inpaint-area input")[1].Click();   // only masked
        cut.FindAll("#inpaint-upload-mask-mode input")[1].Click();      // inpaint not masked
        cut.Find("#img2img-generate").Click();

        var r = Assert.Single(WaitForRequests(cut, 1));
        Assert.Equal(picture, r.InitImage);
        Assert.Equal(mask, r.Mask);
        Assert.Equal((9, 9, InpaintingFill.LatentNoise, true, 48, true),
            (r.MaskBlurX, r.MaskBlurY, r.InpaintingFill, r.InpaintFullRes, r.InpaintFullResPadding, r.InpaintingMaskInvert));
    }

    [Fact]
    public void Inpaint_without_a_painted_mask_says_so_and_a_bad_mask_blur_is_refused_at_the_field()
    {
        var cut = RenderImg2Img();
        var workspace = Services.GetRequiredService<WorkspaceState>();
        workspace.Img2ImgTab = Img2ImgSource.Inpaint;
        cut.Find("#img2img-generate").Click();
        cut.WaitForAssertion(() => Assert.Contains(Snackbar.ShownSnackbars, s => s.Message == "Choose a picture to inpaint first."));

        workspace.Img2ImgTab = Img2ImgSource.InpaintUpload;
        Upload(cut, "upload-image", Png(64, 64), "picture.png");
        Upload(cut, "upload-mask", Png(64, 64), "mask.png");
        // Both uploads are read asynchronously: without them Generate would complain about the missing picture instead.
        cut.WaitForElement("#upload-image img");
        cut.WaitForElement("#upload-mask img");
        cut.Find("#inpaint-upload-mask-blur").Change("80");
        cut.Find("#img2img-generate").Click();
        cut.WaitForAssertion(() => Assert.Contains("Mask blur must be between 0 and 64.", cut.Markup));
        Assert.Empty(Queue.Requests);
    }
}
