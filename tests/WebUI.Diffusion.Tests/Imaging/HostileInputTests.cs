using WebUI.Diffusion.Imaging;

namespace WebUI.Diffusion.Tests.Imaging;

/// <summary>Corrupted files must give an <see cref="ImageInputException"/> or a valid result, never another exception.</summary>
public class HostileInputTests
{
    public static TheoryData<string> Formats => new() { "png", "jpg", "webp" };

    [Theory]
    [MemberData(nameof(Formats))]
    public void MutatedFiles_FailCleanly(string format)
    {
        using var img = TestImages.Gradient(24, 16);
        byte[] good = PngText.Encode(img, "Steps: 20, Sampler: Euler, Seed: 1", PngText.ParseFormat(format));
        var rng = new Random(1234);
        for (int round = 0; round < 60; round++)
        {
            byte[] bad = (byte[])good.Clone();
            int flips = 1 + rng.Next(8);
            for (int i = 0; i < flips; i++) bad[rng.Next(bad.Length)] = (byte)rng.Next(256);
            if (round % 3 == 0) bad = bad[..rng.Next(1, bad.Length)];
            try { using var _ = ImageInput.Load(bad, maxPixels: 1_000_000); } catch (ImageInputException) { }
            try { PngText.ReadParameters(bad); } catch (ImageInputException) { }
            try { PngInfo.ToA1111Json(bad); } catch (ImageInputException) { }
        }
    }
}
