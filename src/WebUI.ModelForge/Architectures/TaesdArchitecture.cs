namespace WebUI.ModelForge.Architectures;

/// <summary>
/// TAESD, the Tiny AutoEncoder for Stable Diffusion (madebyollin/taesd; diffusers AutoencoderTiny), sized by config:
/// 3×3 convolutions and ReLUs in residual blocks (conv, ReLU, conv, ReLU, conv, plus the input, then ReLU), nearest ×2
/// upsampling in the decoder and stride-2 convolutions in the encoder. The decoder starts with the latent clamp
/// tanh(x/3)·3. Its latents are the UNet's (already scaled): no scaling factor applies (diffusion-reference §6d).
/// Weights are named as in AutoencoderTiny (decoder.layers.N…, encoder.layers.N…).
/// </summary>
public sealed record TaesdArchitecture
{
    public int Channels { get; init; } = 64;
    public int LatentChannels { get; init; } = 4;
    public int ImageChannels { get; init; } = 3;
    /// <summary>Residual blocks per resolution level, from the latent side outwards (decoder) — AutoencoderTiny's (3, 3, 3, 1).</summary>
    public int[] DecoderBlocks { get; init; } = [3, 3, 3, 1];
    /// <summary>Residual blocks per level from the image side (encoder) — (1, 3, 3, 3).</summary>
    public int[] EncoderBlocks { get; init; } = [1, 3, 3, 3];

    /// <summary>Spatial factor between image and latent: 2^(levels − 1) = 8.</summary>
    public int ScaleFactor => 1 << (DecoderBlocks.Length - 1);

    /// <summary>
    /// latent_sample [B, 4, h, w] (scaled latents) → sample [B, 3, 8h, 8w]: ≈[0, 1] as taesd.py's Decoder gives it, or
    /// mapped to [−1, 1] (x·2 − 1) as AutoencoderTiny.decode gives it when <paramref name="outputMinus1To1"/>.
    /// </summary>
    public void BuildDecoder(Layers nn, bool outputMinus1To1)
    {
        Validate();
        var g = nn.G;
        var z = g.Input("latent_sample", nn.Dtype, "batch", LatentChannels, "latent_height", "latent_width");
        // Clamp: tanh(x / 3) · 3 keeps any latent within ±3 before the first convolution.
        var clamped = g.Op("Mul", g.Op("Tanh", g.Op("Div", z, nn.Scalar(3f))), nn.Scalar(3f));

        int layer = 0;
        var h = nn.Conv(new Activation(clamped, LatentChannels), $"decoder.layers.{layer}", Channels, 3, gain: ReluGain);
        h = Relu(nn, h);
        layer += 2;
        for (int level = 0; level < DecoderBlocks.Length; level++)
        {
            for (int k = 0; k < DecoderBlocks[level]; k++) h = Block(nn, h, $"decoder.layers.{layer++}");
            bool last = level == DecoderBlocks.Length - 1;
            if (!last)
            {
                h = h with { Name = nn.ResizeNearest2x(h.Name) };
                layer++;
                h = nn.Conv(h, $"decoder.layers.{layer++}", Channels, 3, bias: false);
            }
            else
            {
                h = nn.Conv(h, $"decoder.layers.{layer++}", ImageChannels, 3, gain: 0.5);
            }
        }
        string image = h.Name;
        if (outputMinus1To1) image = g.Op("Sub", g.Op("Mul", image, nn.Scalar(2f)), nn.Scalar(1f));
        g.OutputAs(image, "sample", nn.Dtype, "batch", ImageChannels, "height", "width");
    }

    /// <summary>
    /// sample [B, 3, H, W] → latent_sample [B, 4, H/8, W/8], already in the UNet's latent scale. The image is in [0, 1]
    /// (taesd.py's Encoder) or in [−1, 1] when <paramref name="inputMinus1To1"/> (AutoencoderTiny maps (x + 1)/2 first).
    /// </summary>
    public void BuildEncoder(Layers nn, bool inputMinus1To1)
    {
        Validate();
        var g = nn.G;
        var x = g.Input("sample", nn.Dtype, "batch", ImageChannels, "height", "width");
        string image = inputMinus1To1 ? g.Op("Div", g.Op("Add", x, nn.Scalar(1f)), nn.Scalar(2f)) : x;

        int layer = 0;
        var h = new Activation(image, ImageChannels);
        for (int level = 0; level < EncoderBlocks.Length; level++)
        {
            h = level == 0
                ? nn.Conv(h, $"encoder.layers.{layer++}", Channels, 3)
                : nn.Conv(h, $"encoder.layers.{layer++}", Channels, 3, stride: 2, bias: false);
            for (int k = 0; k < EncoderBlocks[level]; k++) h = Block(nn, h, $"encoder.layers.{layer++}");
        }
        h = nn.Conv(h, $"encoder.layers.{layer}", LatentChannels, 3);
        g.OutputAs(h.Name, "latent_sample", nn.Dtype, "batch", LatentChannels, "latent_height", "latent_width");
    }

    /// <summary>He-style gain for a convolution followed by ReLU, so random activations keep their scale.</summary>
    const double ReluGain = 1.41421356;

    static Activation Relu(Layers nn, Activation x) => x with { Name = nn.G.Op("Relu", x.Name) };

    /// <summary>AutoencoderTinyBlock: ReLU(conv(x) + skip(x)); conv = Conv, ReLU, Conv, ReLU, Conv; skip = identity here (equal widths).</summary>
    static Activation Block(Layers nn, Activation x, string prefix)
    {
        var h = Relu(nn, nn.Conv(x, prefix + ".conv.0", x.Channels, 3, gain: ReluGain));
        h = Relu(nn, nn.Conv(h, prefix + ".conv.2", x.Channels, 3, gain: ReluGain));
        h = nn.Conv(h, prefix + ".conv.4", x.Channels, 3, gain: Layers.ResidualGain);
        return Relu(nn, new Activation(nn.G.Op("Add", h.Name, x.Name), x.Channels));
    }

    void Validate()
    {
        if (Channels < 1 || LatentChannels < 1 || DecoderBlocks.Length < 1 || EncoderBlocks.Length != DecoderBlocks.Length)
            throw new ArgumentException("TAESD config: positive widths and as many encoder as decoder levels are needed.");
    }
}
