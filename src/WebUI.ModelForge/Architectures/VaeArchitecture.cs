using WebUI.ModelForge.Onnx;

namespace WebUI.ModelForge.Architectures;

/// <summary>
/// diffusers AutoencoderKL, sized by config. The encoder part ends in quant_conv (the posterior's mean ‖ logvar);
/// the decoder part starts with post_quant_conv, so both take and give the unscaled latents as the exports do.
/// The spatial factor is 2^(blocks − 1): 8 for four blocks.
/// </summary>
public sealed record VaeArchitecture
{
    public int[] BlockOutChannels { get; init; } = [128, 256, 512, 512];
    public int LayersPerBlock { get; init; } = 2;
    public int LatentChannels { get; init; } = 4;
    public int ImageChannels { get; init; } = 3;
    public int NormGroups { get; init; } = 32;
    public float ScalingFactor { get; init; } = 0.18215f;
    public int SampleSize { get; init; } = 512;
    /// <summary>diffusers force_upcast: true for the SDXL VAE, which overflows in fp16; null = key not written.</summary>
    public bool? ForceUpcast { get; init; }

    const float Eps = 1e-6f;

    /// <summary>The SD 1.x/2.x VAE (83,653,863 parameters).</summary>
    public static VaeArchitecture Sd15 { get; } = new();

    public int DownscaleFactor => 1 << (BlockOutChannels.Length - 1);

    /// <summary>vae_encoder: image [B, 3, H, W] in [−1, 1] → mean [B, 4, H/8, W/8] or mean ‖ logvar [B, 8, H/8, W/8].</summary>
    public void BuildEncoder(Layers nn, ExportDialect dialect)
    {
        Validate();
        var g = nn.G;
        string b = dialect.Batch;
        object channels = dialect.OptimumLayout ? ImageChannels : "channels";
        var (height, width) = dialect.OptimumLayout ? ("sample_height", "sample_width") : ("height", "width");
        var x = g.Input("sample", nn.Dtype, b, channels, height, width);

        var h = nn.Conv(new Activation(x, ImageChannels), "encoder.conv_in", BlockOutChannels[0], 3);
        for (int i = 0; i < BlockOutChannels.Length; i++)
        {
            for (int j = 0; j < LayersPerBlock; j++)
                h = nn.Resnet(h, $"encoder.down_blocks.{i}.resnets.{j}", BlockOutChannels[i], NormGroups, Eps);
            // Downsample2D(padding=0) pads only bottom/right by one, then a stride-2 3×3 conv.
            if (i < BlockOutChannels.Length - 1)
                h = nn.Conv(h, $"encoder.down_blocks.{i}.downsamplers.0.conv", h.Channels, 3, stride: 2, pads: [0, 0, 1, 1]);
        }
        h = MidBlock(nn, h, "encoder.mid_block");
        h = nn.SiLU(nn.GroupNorm(h, "encoder.conv_norm_out", NormGroups, Eps));
        h = nn.Conv(h, "encoder.conv_out", 2 * LatentChannels, 3);
        var moments = nn.Conv(h, "quant_conv", 2 * LatentChannels, 1);

        const string lh = "latent_height", lw = "latent_width";
        if (dialect.OptimumLayout)
        {
            g.OutputAs(moments.Name, "latent_parameters", nn.Dtype, b, 2 * LatentChannels, lh, lw);
        }
        else
        {
            // The diffusers export traces posterior.sample() (an in-graph RandomNormal); the mean keeps it deterministic.
            var mean = g.Op("Slice", moments.Name, g.Ints(0), g.Ints(LatentChannels), g.Ints(1));
            g.OutputAs(mean, "latent_sample", nn.Dtype, b, LatentChannels, lh, lw);
        }
    }

    /// <summary>vae_decoder: unscaled latent [B, 4, h, w] → image [B, 3, 8h, 8w] in ≈[−1, 1].</summary>
    public void BuildDecoder(Layers nn, ExportDialect dialect)
    {
        Validate();
        var g = nn.G;
        string b = dialect.Batch;
        object channels = dialect.OptimumLayout ? LatentChannels : "channels";
        var (lh, lw) = dialect.OptimumLayout ? ("latent_height", "latent_width") : ("height", "width");
        var z = g.Input("latent_sample", nn.Dtype, b, channels, lh, lw);

        var h = nn.Conv(new Activation(z, LatentChannels), "post_quant_conv", LatentChannels, 1);
        h = nn.Conv(h, "decoder.conv_in", BlockOutChannels[^1], 3);
        h = MidBlock(nn, h, "decoder.mid_block");
        int blocks = BlockOutChannels.Length;
        for (int i = 0; i < blocks; i++)
        {
            int outChannels = BlockOutChannels[blocks - 1 - i];
            for (int j = 0; j <= LayersPerBlock; j++)
                h = nn.Resnet(h, $"decoder.up_blocks.{i}.resnets.{j}", outChannels, NormGroups, Eps);
            if (i < blocks - 1)
                h = nn.Conv(h with { Name = nn.ResizeNearest2x(h.Name) }, $"decoder.up_blocks.{i}.upsamplers.0.conv", h.Channels, 3);
        }
        h = nn.SiLU(nn.GroupNorm(h, "decoder.conv_norm_out", NormGroups, Eps));
        h = nn.Conv(h, "decoder.conv_out", ImageChannels, 3);
        g.OutputAs(h.Name, "sample", nn.Dtype, b, dialect.OptimumLayout ? ImageChannels : "out_channels", "sample_height", "sample_width");
    }

    Activation MidBlock(Layers nn, Activation h, string prefix)
    {
        h = nn.Resnet(h, prefix + ".resnets.0", h.Channels, NormGroups, Eps);
        h = nn.SpatialSelfAttention(h, prefix + ".attentions.0", NormGroups, Eps);
        return nn.Resnet(h, prefix + ".resnets.1", h.Channels, NormGroups, Eps);
    }

    /// <summary>The SDXL VAE config: the SD architecture with scaling_factor 0.13025 and force_upcast.</summary>
    public static VaeArchitecture Sdxl { get; } = new() { ScalingFactor = 0.13025f, SampleSize = 1024, ForceUpcast = true };

    void Validate()
    {
        if (BlockOutChannels.Length == 0) throw new ArgumentException("VAE config: at least one block is needed.");
        foreach (var c in BlockOutChannels)
            if (c % NormGroups != 0) throw new ArgumentException($"VAE config: {c} channels do not split into {NormGroups} groups.");
    }

    /// <summary>The diffusers AutoencoderKL config, as Optimum writes it into vae_encoder/ and vae_decoder/config.json.</summary>
    public Dictionary<string, object?> ConfigJson() => new Dictionary<string, object?>
    {
        ["_class_name"] = "AutoencoderKL",
        ["_diffusers_version"] = "0.30.0",
        ["act_fn"] = "silu",
        ["block_out_channels"] = BlockOutChannels,
        ["down_block_types"] = Enumerable.Repeat("DownEncoderBlock2D", BlockOutChannels.Length).ToArray(),
        ["in_channels"] = ImageChannels,
        ["latent_channels"] = LatentChannels,
        ["layers_per_block"] = LayersPerBlock,
        ["norm_num_groups"] = NormGroups,
        ["out_channels"] = ImageChannels,
        ["sample_size"] = SampleSize,
        ["scaling_factor"] = ScalingFactor,
        ["up_block_types"] = Enumerable.Repeat("UpDecoderBlock2D", BlockOutChannels.Length).ToArray(),
    }.WithOptional("force_upcast", ForceUpcast);
}

static class ConfigJsonExtensions
{
    /// <summary>Adds the key only when the value is set, so configs of models without the feature stay as before.</summary>
    public static Dictionary<string, object?> WithOptional<T>(this Dictionary<string, object?> config, string key, T? value) where T : struct
    {
        if (value is { } v) config[key] = v;
        return config;
    }
}
