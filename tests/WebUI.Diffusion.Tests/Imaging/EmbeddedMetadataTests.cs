using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using WebUI.Diffusion.Imaging;

namespace WebUI.Diffusion.Tests.Imaging;

public class EmbeddedMetadataTests
{
    [Fact]
    public void Png_Latin1Text_IsOneTExtChunkBeforeIdat()
    {
        using var img = TestImages.Gradient();
        string text = InfotextExamples.A + " café";
        byte[] png = PngText.EncodePng(img, text);
        var chunks = TestImages.PngChunks(png);
        Assert.Equal(["IHDR", "tEXt", "IDAT", "IEND"], chunks.Select(c => c.Type).Distinct().ToArray());
        var t = chunks.Single(c => c.Type == "tEXt").Data;
        Assert.Equal(Encoding.Latin1.GetBytes("parameters\0" + text), t);
        Assert.Equal(text, PngText.ReadParameters(png));
    }

    [Fact]
    public void Png_NonLatin1Text_IsUncompressedITXt()
    {
        using var img = TestImages.Gradient();
        string text = "一只猫, 油画\nSteps: 20, Sampler: Euler, Seed: 1";
        byte[] png = PngText.EncodePng(img, text);
        var chunks = TestImages.PngChunks(png);
        Assert.DoesNotContain(chunks, c => c.Type is "tEXt" or "zTXt");
        var itxt = chunks.Single(c => c.Type == "iTXt").Data;
        // keyword NUL, compression flag 0, method 0, empty language NUL, empty translated keyword NUL, UTF-8 text
        Assert.Equal(Encoding.Latin1.GetBytes("parameters").Concat(new byte[] { 0, 0, 0, 0, 0 }).Concat(Encoding.UTF8.GetBytes(text)), itxt);
        Assert.Equal(text, PngText.ReadParameters(png));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Png_LongText_NeverZTXt(bool unicode)
    {
        using var img = TestImages.Gradient();
        string text = string.Concat(Enumerable.Repeat(unicode ? "长提示, " : "long prompt, ", 400)) + "\nSteps: 20, Sampler: Euler, Seed: 1";
        Assert.True(text.Length > 1024);
        byte[] png = PngText.EncodePng(img, text);
        var types = TestImages.PngChunks(png).Select(c => c.Type).ToList();
        Assert.DoesNotContain("zTXt", types);
        Assert.Contains(unicode ? "iTXt" : "tEXt", types);
        if (unicode) Assert.Equal(0, TestImages.PngChunks(png).Single(c => c.Type == "iTXt").Data[11]); // not compressed
        Assert.Equal(text, PngText.ReadParameters(png));
    }

    [Fact]
    public void Png_PixelsSurviveAndImageSharpReadsTheText()
    {
        using var img = TestImages.Gradient();
        byte[] png = PngText.EncodePng(img, "猫");
        using var back = Image.Load<Rgb24>(png);
        Assert.Equal(img[5, 3], back[5, 3]);
        Assert.Equal(img[15, 7], back[15, 7]);
        Assert.Equal("猫", back.Metadata.GetPngMetadata().TextData.Single(t => t.Keyword == "parameters").Value);
    }

    [Fact]
    public void Png_NullParameters_NoTextChunk_AndReadGivesNull()
    {
        using var img = TestImages.Gradient();
        byte[] png = PngText.EncodePng(img, (string?)null);
        Assert.DoesNotContain(TestImages.PngChunks(png), c => c.Type is "tEXt" or "iTXt");
        Assert.Null(PngText.ReadParameters(png));
    }

    [Fact]
    public void Png_ReadsZTXtAndCompressedITXtFromOtherWriters()
    {
        using var img = TestImages.Gradient();
        var chunks = TestImages.PngChunks(PngText.EncodePng(img, (string?)null));
        byte[] z = Deflate(Encoding.Latin1.GetBytes("zipped, text"));
        var ztxt = Encoding.Latin1.GetBytes("parameters\0\0").Concat(z).ToArray();
        var withZ = TestImages.BuildPng(chunks.Take(1).Append(("zTXt", ztxt)).Concat(chunks.Skip(1)));
        Assert.Equal("zipped, text", PngText.ReadParameters(withZ));

        byte[] zu = Deflate(Encoding.UTF8.GetBytes("сжатый"));
        var itxt = Encoding.Latin1.GetBytes("parameters\0\u0001\0en\0\0").Concat(zu).ToArray();
        var withI = TestImages.BuildPng(chunks.Take(1).Append(("iTXt", itxt)).Concat(chunks.Skip(1)));
        Assert.Equal("сжатый", PngText.ReadParameters(withI));
    }

    [Fact]
    public void Png_ZipBombText_IsIgnored()
    {
        using var img = TestImages.Gradient();
        var chunks = TestImages.PngChunks(PngText.EncodePng(img, (string?)null));
        byte[] bomb = Deflate(new byte[8 * 1024 * 1024]); // inflates past PIL's 1 MiB text limit
        var ztxt = Encoding.Latin1.GetBytes("parameters\0\0").Concat(bomb).ToArray();
        Assert.Null(PngText.ReadParameters(TestImages.BuildPng(chunks.Take(1).Append(("zTXt", ztxt)).Concat(chunks.Skip(1)))));
    }

    [Fact]
    public void Jpeg_ExifUserComment_IsPiexifUnicodeBigEndian_AndRoundTrips()
    {
        using var img = TestImages.Gradient();
        string text = InfotextExamples.C + " 猫";
        byte[] jpg = PngText.EncodeJpeg(img, text);
        Assert.Equal(text, PngText.ReadParameters(jpg));

        // APP1 right after SOI (piexif replaced the JFIF APP0), big-endian TIFF, UserComment = UNICODE\0 + UTF-16BE.
        Assert.Equal(new byte[] { 0xFF, 0xD8, 0xFF, 0xE1 }, jpg[..4]);
        Assert.Equal("Exif\0\0MM", Encoding.ASCII.GetString(jpg, 6, 8));
        byte[] expectedComment = Encoding.ASCII.GetBytes("UNICODE\0").Concat(Encoding.BigEndianUnicode.GetBytes(text)).ToArray();
        Assert.True(jpg.AsSpan().IndexOf(expectedComment) > 0);

        using var decoded = Image.Load<Rgb24>(jpg); // still a valid JPEG
        Assert.Equal((16, 8), (decoded.Width, decoded.Height));
        Assert.Equal(0x9286, (int)decoded.Metadata.ExifProfile!.Values.Single(v => (ushort)v.Tag == 0x9286).Tag);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Webp_ExifUserComment_RoundTrips_AndFileStaysValid(bool lossless)
    {
        using var img = TestImages.Gradient();
        string text = "a, b\nSteps: 20, Sampler: Euler, Seed: 1 ✓";
        byte[] webp = PngText.EncodeWebp(img, text, lossless);
        Assert.Equal(text, PngText.ReadParameters(webp));
        Assert.Equal("VP8X", Encoding.ASCII.GetString(webp, 12, 4));
        Assert.Equal(0x08, webp[20] & 0x08); // EXIF flag
        Assert.Equal(webp.Length - 8, (int)BinaryPrimitives.ReadUInt32LittleEndian(webp.AsSpan(4)));
        using var decoded = Image.Load<Rgb24>(webp);
        Assert.Equal((16, 8), (decoded.Width, decoded.Height));
        if (lossless) Assert.Equal(img[3, 4], decoded[3, 4]);
    }

    [Fact]
    public void Exif_Utf16LittleEndianAndAsciiVariants_AreAccepted()
    {
        Assert.Equal("hello, world", ExifUserComment.Decode(
            Encoding.ASCII.GetBytes("UNICODE\0").Concat(Encoding.Unicode.GetBytes("hello, world")).ToArray()));
        Assert.Equal("plain ascii", ExifUserComment.Decode(Encoding.ASCII.GetBytes("ASCII\0\0\0plain ascii")));
        Assert.Equal("bom", ExifUserComment.Decode(
            Encoding.ASCII.GetBytes("UNICODE\0").Concat(new byte[] { 0xFF, 0xFE }).Concat(Encoding.Unicode.GetBytes("bom")).ToArray()));
    }

    [Fact]
    public void ExifWinsOverPngText_AsInA1111()
    {
        using var img = TestImages.Gradient();
        var chunks = TestImages.PngChunks(PngText.EncodePng(img, "from text chunk"));
        byte[] exif = ExifUserComment.BuildTiff("from exif");
        byte[] png = TestImages.BuildPng(chunks.Take(1).Append(("eXIf", exif)).Concat(chunks.Skip(1)));
        Assert.Equal("from exif", PngText.ReadParameters(png));
    }

    [Fact]
    public void PngInfoJson_HasA1111Shape()
    {
        using var img = TestImages.Gradient();
        byte[] png = PngText.EncodePng(img, [new("parameters", InfotextExamples.A), new("Source", "猫 app")]);
        string json = PngInfo.ToA1111Json(png);
        string expectedStart = "{\"info\":\"a photo of a cat, (masterpiece:1.2)\\nNegative prompt: blurry, lowres\\nSteps: 20, Sampler: DPM++ 2M, " +
                               "Schedule type: Karras, CFG scale: 7, Seed: 1234567890, Size: 512x768, Model hash: 6ce0161689, " +
                               "Model: v1-5-pruned-emaonly, Version: v1.10.1\",\"items\":{\"Source\":\"猫 app\"},\"parameters\":{\"Steps\":\"20\",";
        Assert.StartsWith(expectedStart, json);
        Assert.Contains(",\"Size-1\":\"512\",\"Size-2\":\"768\",", json);
        Assert.Contains(",\"Hires resize-1\":0,\"Hires resize-2\":0,", json);
        Assert.Contains(",\"Masked area padding\":32,", json);
        Assert.EndsWith(",\"Emphasis\":\"Original\",\"Refiner switch by sampling steps\":false}}", json);
        using var doc = System.Text.Json.JsonDocument.Parse(json); // well-formed
        Assert.Equal(33, doc.RootElement.GetProperty("parameters").EnumerateObject().Count());
    }

    [Fact]
    public void PngInfoJson_NoParameters_GivesEmptyInfoAndDefaults()
    {
        using var img = TestImages.Gradient();
        string json = PngInfo.ToA1111Json(PngText.EncodeJpeg(img, null));
        Assert.StartsWith("{\"info\":\"\",\"items\":{},\"parameters\":{\"Prompt\":\"\",\"Negative prompt\":\"\",\"Clip skip\":\"1\",", json);
    }

    [Fact]
    public void NovelAiPng_IsConvertedToInfotext()
    {
        using var img = TestImages.Gradient();
        byte[] png = PngText.EncodePng(img,
        [
            new("Title", "AI generated image"), new("Description", "1girl, best quality"), new("Software", "NovelAI"),
            new("Comment", "{\"steps\": 28, \"sampler\": \"k_euler_ancestral\", \"seed\": 123, \"scale\": 11.0, \"uc\": \"lowres, bad\"}"),
        ]);
        Assert.Equal("1girl, best quality\nNegative prompt: lowres, bad\nSteps: 28, Sampler: Euler a, CFG scale: 11.0, Seed: 123, " +
                     "Size: 16x8, Clip skip: 2, ENSD: 31337", PngText.ReadParameters(png));
    }

    [Fact]
    public void NotAnImage_ReadParametersSaysSo()
    {
        var ex = Assert.Throws<ImageInputException>(() => PngText.ReadParameters(Encoding.UTF8.GetBytes("just some text, renamed to .png")));
        Assert.Contains("not a PNG, JPEG, WebP or GIF", ex.Message);
    }

    [Fact]
    public void TruncatedPng_ReturnsTextReadSoFar()
    {
        using var img = TestImages.Gradient(64, 64);
        byte[] png = PngText.EncodePng(img, "kept");
        Assert.Equal("kept", PngText.ReadParameters(png[..(png.Length / 2)]));
    }

    static byte[] Deflate(byte[] data)
    {
        var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true)) z.Write(data);
        return ms.ToArray();
    }
}
