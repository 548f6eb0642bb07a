using WebUI.ModelForge.Architectures;

namespace WebUI.ModelForge;

/// <summary>
/// The full Stable Diffusion 1.5 architecture with random weights in the diffusers ONNX layout (unet/weights.pb):
/// for timing and memory work on real-sized graphs where no trained weights can be downloaded. The UNet's 3.4 GB
/// (fp32) or 1.7 GB (fp16) of weights stream to disk as they are generated, so memory stays near the size of the
/// largest inline part (the 0.5 GB text encoder). Takes minutes; the result is never committed.
/// </summary>
public static class Sd15Shape
{
    /// <summary>Learned parameters of the real SD 1.5 parts (the counts the published checkpoints have).</summary>
    public const long UnetParameters = 859_520_964;
    public const long TextEncoderParameters = 123_060_480;
    public const long VaeParameters = 83_653_863;

    /// <summary>Builds the folder; throws if a written part's parameter count differs from the real model's.</summary>
    public static string Build(string outputDir, bool fp16, IProgress<string>? log = null)
    {
        var vocab = TinyClipVocabulary.Build(ClipTextArchitecture.Sd15.VocabSize);
        var spec = new StableDiffusionSpec(ClipTextArchitecture.Sd15, UnetArchitecture.Sd15, VaeArchitecture.Sd15,
            fp16 ? TinyDialect.Fp16 : TinyDialect.DiffusersFp32, TinyClipVocabulary.EndOfText);
        return Build(outputDir, spec, vocab, (TextEncoderParameters, UnetParameters, VaeParameters), log);
    }

    /// <summary>The same path for any spec (tests use a scaled-down one) with the parameter counts it must produce.</summary>
    internal static string Build(string outputDir, StableDiffusionSpec spec, TinyClipVocabulary vocab,
        (long Text, long Unet, long Vae) expected, IProgress<string>? log)
    {
        log?.Report($"Building {spec.Dialect} Stable Diffusion folder in {Path.GetFullPath(outputDir)}");
        var parts = StableDiffusionFolder.Write(outputDir, spec, vocab, log).ToDictionary(p => p.Part);
        Check("text_encoder", parts["text_encoder"].Parameters, expected.Text);
        Check("unet", parts["unet"].Parameters, expected.Unet);
        Check("vae", parts["vae_encoder"].Parameters + parts["vae_decoder"].Parameters, expected.Vae);
        long total = parts.Values.Sum(p => p.Parameters), bytes = parts.Values.Sum(p => p.Bytes);
        log?.Report($"Done: {total:N0} parameters, {bytes / 1048576.0:F0} MiB on disk.");
        return Path.GetFullPath(outputDir);
    }

    static void Check(string part, long actual, long expected)
    {
        if (actual != expected)
            throw new InvalidOperationException($"{part}: wrote {actual:N0} parameters, the architecture has {expected:N0}.");
    }
}
