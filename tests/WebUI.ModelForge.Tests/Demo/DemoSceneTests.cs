using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using WebUI.ModelForge.Demo;

namespace WebUI.ModelForge.Tests.Demo;

[Collection(DemoCollection.Name)]
public class DemoSceneTests(DemoFixture demo)
{
    /// <summary>
    /// Every member decodes to a full-contrast picture in range. With WEBUI_DEMO_SCENES_DIR set, also saves each decoded
    /// 512² member and a contact sheet there, for looking at.
    /// </summary>
    [Fact]
    public void EveryMember_DecodesToAPictureWithContent()
    {
        var dir = Environment.GetEnvironmentVariable("WEBUI_DEMO_SCENES_DIR");
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        const int size = DemoGallery.PixelSize, thumb = 160;
        using var sheet = new Image<Rgb24>(5 * thumb, (demo.K + 4) / 5 * thumb);
        for (int k = 0; k < demo.K; k++)
        {
            var scene = DemoGallery.Scenes[k];
            var px = demo.Decode(demo.Member(k), DemoFixture.Size, DemoFixture.Size);
            // [−1, 1], apart from the cubic upsampler's slight overshoot at hard edges (the engine clamps).
            Assert.All(px, v => Assert.InRange(v, -1.5f, 1.5f));
            double outside = px.Count(v => Math.Abs(v) > 1.05f) / (double)px.Length;
            Assert.True(outside < 0.005, $"{scene.Name}: {outside:P2} of values beyond ±1.05");
            double mean = px.Average(v => (double)v), std = Math.Sqrt(px.Average(v => (v - mean) * (v - mean)));
            Assert.True(std > 0.1, $"{scene.Name} is nearly flat");
            if (string.IsNullOrEmpty(dir)) continue;
            var bytes = DemoReference.ToBytes(px);
            using var img = new Image<Rgb24>(size, size);
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                    img[x, y] = new Rgb24(bytes[y * size + x], bytes[(size + y) * size + x], bytes[(2 * size + y) * size + x]);
            img.SaveAsPng(Path.Combine(dir, $"{k:D2}-{scene.Family}-{scene.Name}.png".Replace(' ', '_')));
            using var small = img.Clone(c => c.Resize(thumb, thumb));
            sheet.Mutate(c => c.DrawImage(small, new Point(k % 5 * thumb, k / 5 * thumb), 1f));
        }
        if (!string.IsNullOrEmpty(dir)) sheet.SaveAsPng(Path.Combine(dir, "sheet.png"));
    }
}
