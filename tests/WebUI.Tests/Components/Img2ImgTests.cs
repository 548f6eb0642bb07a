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

        var request = Assert.Single(Queue.Requests);
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
        Assert.Empty(Queue.Requests);
    }

    [Fact]
    public void Inpaint_tabs_show_the_inpainting_options_disabled_until_the_engine_takes_masks()
    {
        var cut = RenderImg2Img();
        foreach (string prefix in new[] { "inpaint", "inpaint-upload" })
        {
            Assert.NotNull(cut.Find($"#{prefix}-options"));
            Assert.True(cut.Find($"#{prefix}-mask-blur").HasAttribute("disabled"));
            Assert.True(cut.Find($"#{prefix}-padding").HasAttribute("disabled"));
        }
        Assert.Contains("Masked content", cut.Markup);
        Assert.Contains("Only masked padding, pixels", cut.Markup);
    }

    [Fact]
    public void Inpaint_upload_needs_both_files_and_says_the_engine_cannot_use_a_mask_yet()
    {
        var cut = RenderImg2Img();
        var workspace = Services.GetRequiredService<WorkspaceState>();
        workspace.Img2ImgTab = Img2ImgSource.InpaintUpload;
        Upload(cut, "upload-image", Png(64, 64), "picture.png");
        cut.Find("#img2img-generate").Click();
        cut.WaitForAssertion(() => Assert.Contains(Snackbar.ShownSnackbars, s => s.Message == "Choose a mask picture first."));

        Upload(cut, "upload-mask", Png(64, 64), "mask.png");
        cut.Find("#img2img-generate").Click();
        cut.WaitForAssertion(() => Assert.Contains(Snackbar.ShownSnackbars, s => s.Message != null && s.Message.StartsWith("Inpainting comes with the engine's second wave")));
        Assert.Empty(Queue.Requests);
    }
}
