namespace WebUI.Diffusion.Tests.Imaging;

/// <summary>The worked examples of a1111-reference.md §2.4, verbatim.</summary>
internal static class InfotextExamples
{
    public const string A =
        "a photo of a cat, (masterpiece:1.2)\n" +
        "Negative prompt: blurry, lowres\n" +
        "Steps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 1234567890, Size: 512x768, Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Version: v1.10.1";

    public const string B =
        "landscape, mountains\n" +
        "Steps: 30, Sampler: Euler a, CFG scale: 5.5, Seed: 42, Size: 832x1216, Model hash: 31e35c80fc, Model: sd_xl_base_1.0, Denoising strength: 0.4, Clip skip: 2, Hires upscale: 1.5, Hires steps: 10, Hires upscaler: Latent, Lora hashes: \"detail: 0123456789ab, style: ba9876543210\", TI hashes: \"easyneg: c74b4e810b03\", Version: v1.9.4";

    public const string C =
        "portrait of a woman\n" +
        "second line of prompt\n" +
        "Negative prompt: bad hands,\n" +
        "extra fingers\n" +
        "Steps: 25, Sampler: DPM++ SDE, Schedule type: Karras, CFG scale: 6, Seed: 3007236767, Size: 512x512, Model hash: e6e99610c4, Model: realistic, Variation seed: 99, Variation seed strength: 0.3, Seed resize from: 768x768, Denoising strength: 0.55, Mask blur: 4, Inpaint area: Only masked, Masked area padding: 32, RNG: NV, Hires prompt: \"a \\\"quoted\\\", text: yes\"";

    public static readonly (string Key, object Value)[] ParsedA =
    [
        ("Steps", "20"), ("Sampler", "DPM++ 2M"), ("Schedule type", "Karras"), ("CFG scale", "7"), ("Seed", "1234567890"),
        ("Size-1", "512"), ("Size-2", "768"), ("Model hash", "6ce0161689"), ("Model", "v1-5-pruned-emaonly"), ("Version", "v1.10.1"),
        ("Prompt", "a photo of a cat, (masterpiece:1.2)"), ("Negative prompt", "blurry, lowres"), ("Clip skip", "1"),
        ("Hires resize-1", 0L), ("Hires resize-2", 0L), ("Hires sampler", "Use same sampler"),
        ("Hires schedule type", "Use same scheduler"), ("Hires checkpoint", "Use same checkpoint"), ("Hires prompt", ""),
        ("Hires negative prompt", ""), ("Mask mode", "Inpaint masked"), ("Masked content", "original"),
        ("Inpaint area", "Whole picture"), ("Masked area padding", 32L), ("RNG", "GPU"), ("Schedule max sigma", 0L),
        ("Schedule min sigma", 0L), ("Schedule rho", 0L), ("VAE Encoder", "Full"), ("VAE Decoder", "Full"),
        ("FP8 weight", "Disable"), ("Emphasis", "Original"), ("Refiner switch by sampling steps", false),
    ];

    public static readonly (string Key, object Value)[] ParsedB =
    [
        ("Steps", "30"), ("Sampler", "Euler a"), ("CFG scale", "5.5"), ("Seed", "42"), ("Size-1", "832"), ("Size-2", "1216"),
        ("Model hash", "31e35c80fc"), ("Model", "sd_xl_base_1.0"), ("Denoising strength", "0.4"), ("Clip skip", "2"),
        ("Hires upscale", "1.5"), ("Hires steps", "10"), ("Hires upscaler", "Latent"),
        ("Lora hashes", "detail: 0123456789ab, style: ba9876543210"), ("TI hashes", "easyneg: c74b4e810b03"),
        ("Version", "v1.9.4"), ("Prompt", "landscape, mountains"), ("Negative prompt", ""), ("Hires resize-1", 0L),
        ("Hires resize-2", 0L), ("Hires sampler", "Use same sampler"), ("Hires schedule type", "Use same scheduler"),
        ("Hires checkpoint", "Use same checkpoint"), ("Hires prompt", ""), ("Hires negative prompt", ""),
        ("Mask mode", "Inpaint masked"), ("Masked content", "original"), ("Inpaint area", "Whole picture"),
        ("Masked area padding", 32L), ("RNG", "GPU"), ("Schedule type", "Automatic"), ("Schedule max sigma", 0L),
        ("Schedule min sigma", 0L), ("Schedule rho", 0L), ("VAE Encoder", "Full"), ("VAE Decoder", "Full"),
        ("FP8 weight", "Disable"), ("Refiner switch by sampling steps", false),
    ];

    public static readonly (string Key, object Value)[] ParsedC =
    [
        ("Steps", "25"), ("Sampler", "DPM++ SDE"), ("Schedule type", "Karras"), ("CFG scale", "6"), ("Seed", "3007236767"),
        ("Size-1", "512"), ("Size-2", "512"), ("Model hash", "e6e99610c4"), ("Model", "realistic"), ("Variation seed", "99"),
        ("Variation seed strength", "0.3"), ("Seed resize from-1", "768"), ("Seed resize from-2", "768"),
        ("Denoising strength", "0.55"), ("Mask blur", "4"), ("Inpaint area", "Only masked"), ("Masked area padding", "32"),
        ("RNG", "NV"), ("Hires prompt", "a \"quoted\", text: yes"), ("Hires negative prompt", ""),
        ("Prompt", "portrait of a woman\nsecond line of prompt"), ("Negative prompt", "bad hands,\nextra fingers"),
        ("Clip skip", "1"), ("Hires resize-1", 0L), ("Hires resize-2", 0L), ("Hires sampler", "Use same sampler"),
        ("Hires schedule type", "Use same scheduler"), ("Hires checkpoint", "Use same checkpoint"),
        ("Mask mode", "Inpaint masked"), ("Masked content", "original"), ("Schedule max sigma", 0L), ("Schedule min sigma", 0L),
        ("Schedule rho", 0L), ("VAE Encoder", "Full"), ("VAE Decoder", "Full"), ("FP8 weight", "Disable"),
        ("Refiner switch by sampling steps", false),
    ];
}
