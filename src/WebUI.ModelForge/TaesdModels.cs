using Onnx;
using WebUI.ModelForge.Architectures;
using WebUI.ModelForge.Onnx;

namespace WebUI.ModelForge;

/// <summary>
/// TAESD decoders and encoders with the real architecture (64 channels, ~1.2 M parameters per half) and seeded random
/// weights, as single ONNX files: what the engine finds under models/VAE-approx/ for "TAESD" live previews and the
/// TAESD decode/encode methods. Their pictures are noise by design; shapes, names, ranges and speed are real.
/// I/O: decoder latent_sample [B, 4, h, w] → sample [B, 3, 8h, 8w]; encoder sample → latent_sample; batch, height and
/// width dynamic. Each file carries metadata (taesd.variant, taesd.range) as a hint; real exports have none.
/// </summary>
public static class TaesdModels
{
    public const string DecoderFile = "taesd_decoder.onnx", EncoderFile = "taesd_encoder.onnx",
        XlDecoderFile = "taesdxl_decoder.onnx", XlEncoderFile = "taesdxl_encoder.onnx";

    /// <summary>
    /// Writes a TAESD decoder to the file <paramref name="path"/>; returns its full path. <paramref name="xl"/> picks the
    /// SDXL variant (taesdxl: same architecture, other weights). Output ≈[0, 1] (taesd.py export) or, with
    /// <paramref name="outputMinus1To1"/>, 2·x − 1 of the same weights (an AutoencoderTiny.decode export).
    /// </summary>
    public static string BuildDecoder(string path, bool xl = false, bool outputMinus1To1 = false, int channels = 64) =>
        Write(path, "taesd_decoder", xl, outputMinus1To1 ? "-1,1" : "0,1", channels,
            (arch, nn) => arch.BuildDecoder(nn, outputMinus1To1));

    /// <summary>
    /// Writes a TAESD encoder: image in [0, 1] (taesd.py) or [−1, 1] with <paramref name="inputMinus1To1"/>
    /// (AutoencoderTiny.encode) → latents already in the UNet's scale.
    /// </summary>
    public static string BuildEncoder(string path, bool xl = false, bool inputMinus1To1 = false, int channels = 64) =>
        Write(path, "taesd_encoder", xl, inputMinus1To1 ? "-1,1" : "0,1", channels,
            (arch, nn) => arch.BuildEncoder(nn, inputMinus1To1));

    /// <summary>Writes taesd_decoder/encoder.onnx and taesdxl_decoder/encoder.onnx (taesd.py ranges) into <paramref name="directory"/>.</summary>
    public static IReadOnlyList<string> BuildAll(string directory) =>
    [
        BuildDecoder(Path.Combine(directory, DecoderFile)),
        BuildEncoder(Path.Combine(directory, EncoderFile)),
        BuildDecoder(Path.Combine(directory, XlDecoderFile), xl: true),
        BuildEncoder(Path.Combine(directory, XlEncoderFile), xl: true),
    ];

    static string Write(string path, string part, bool xl, string range, int channels, Action<TaesdArchitecture, Layers> build)
    {
        if (channels < 1) throw new ArgumentOutOfRangeException(nameof(channels), channels, "TAESD needs at least one channel.");
        var g = new GraphBuilder(part);
        // Encoder and decoder, SD and SDXL each get their own weights; the range does not change them, so the two
        // decoder flavours of one variant differ exactly by x·2 − 1.
        int seed = (xl ? 200 : 100) + (part.EndsWith("encoder", StringComparison.Ordinal) ? 1 : 0);
        using (var weights = new WeightStore(g, ElementType.Float, seed, WeightPlacement.Inline))
            build(new TaesdArchitecture { Channels = channels }, new Layers(g, weights));
        var model = g.Build(StableDiffusionFolder.Opset);
        model.MetadataProps.Add(new StringStringEntryProto { Key = "taesd.variant", Value = xl ? "sdxl" : "sd" });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "taesd.range", Value = range });
        var full = Path.GetFullPath(path);
        ModelWriter.Save(model, full);
        return full;
    }
}
