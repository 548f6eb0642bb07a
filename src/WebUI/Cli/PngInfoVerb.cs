using System.CommandLine;
using WebUI.Diffusion.Imaging;

namespace WebUI.Cli;

/// <summary>`webui png-info FILE`: the JSON A1111's /sdapi/v1/png-info returns for the picture.</summary>
static class PngInfoVerb
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<FileInfo>("file") { Description = "A PNG, JPEG or WebP picture" };
        var command = new Command("png-info", "Print a picture's generation parameters as A1111's png-info JSON.") { file };
        command.SetAction(parse => WebUICommandLine.Guard(context, () =>
        {
            FileInfo path = parse.GetValue(file)!;
            if (!path.Exists) throw new FileNotFoundException($"File not found: {path.FullName}");
            byte[] bytes = File.ReadAllBytes(path.FullName);
            if (!LooksLikeImage(bytes)) throw new InvalidDataException($"{path.FullName} is not a PNG, JPEG or WebP picture.");
            context.Out.WriteLine(PngInfo.ToA1111Json(bytes));
            return WebUICommandLine.Success;
        }));
        return command;
    }

    // Checked here so a text file gets a plain answer rather than whatever the decoder says about it.
    static bool LooksLikeImage(ReadOnlySpan<byte> b) =>
        b.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])
        || b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])
        || (b.Length >= 12 && b[..4].SequenceEqual("RIFF"u8) && b[8..12].SequenceEqual("WEBP"u8));
}
