using System.Globalization;
using SixLabors.ImageSharp;
using WebUI.Diffusion.Imaging;
using WebUI.Diffusion.Pipelines;

namespace WebUI.Queue;

/// <summary>Reads a saved picture back as the engine's <see cref="GeneratedImage"/> (its infotext gives the seeds).</summary>
internal static class SavedImages
{
    public static GeneratedImage Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        string infotext = PngText.ReadParameters(bytes) ?? "";
        var info = Image.Identify(bytes);
        var parameters = infotext.Length > 0 ? Infotext.Parse(infotext).Parameters : new Dictionary<string, string>();
        long seed = Number(parameters, "Seed") ?? -1;
        long subseed = Number(parameters, "Variation seed") ?? seed;
        return new GeneratedImage(bytes, seed, subseed, infotext, info.Width, info.Height);
    }

    static long? Number(IReadOnlyDictionary<string, string> parameters, string key) =>
        parameters.TryGetValue(key, out var text) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) ? n : null;
}
