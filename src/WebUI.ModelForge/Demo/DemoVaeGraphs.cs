using Onnx;
using WebUI.ModelForge.Onnx;

namespace WebUI.ModelForge.Demo;

/// <summary>
/// The demo VAE as ONNX graphs in the diffusers-script contract (diffusion-reference §6a):
/// decoder <c>latent_sample</c> (unscaled) → <c>sample</c> in [−1, 1] at 8× size; encoder <c>sample</c> →
/// <c>latent_sample</c> (unscaled, deterministic: the posterior mean rather than a random draw, energy-balanced along the
/// direction the decoder ignores, see <see cref="DemoLatentSpace.HiddenDirection"/>).
/// </summary>
static class DemoVaeGraphs
{
    /// <summary>How the decoder upsamples 8×: cubic reads as a soft photograph, linear shows diamond-shaped ramps.</summary>
    public const string UpsampleMode = "cubic";

    public static ModelProto Decoder()
    {
        var g = new GraphBuilder("demo_vae_decoder");
        var z = g.Input("latent_sample", ElementType.Float, "batch", DemoLatentSpace.Channels, "height", "width");
        // Unscaled input: fold the 0.18215 factor into the channel map so it acts on UNet-space latents.
        var d = DemoLatentSpace.DecodeMatrix();
        var w = new float[3 * DemoLatentSpace.Channels];
        for (int c = 0; c < 3; c++)
            for (int k = 0; k < DemoLatentSpace.Channels; k++) w[c * DemoLatentSpace.Channels + k] = d[k, c] * DemoLatentSpace.ScalingFactor;
        var weight = g.Initializer("channel_map.weight", w, [3, DemoLatentSpace.Channels, 1, 1]);
        var bias = g.Initializer("channel_map.bias", DemoLatentSpace.MeanRgb, [3]);
        var rgb = g.Op("Conv", [z, weight, bias], ("kernel_shape", new long[] { 1, 1 }));
        var scales = g.Initializer("upsample.scales", [1f, 1f, DemoLatentSpace.Factor, DemoLatentSpace.Factor], [4]);
        var up = g.Op("Resize", [rgb, "", scales], ("mode", UpsampleMode), ("coordinate_transformation_mode", "half_pixel"),
            ("cubic_coeff_a", -0.5f), ("exclude_outside", 0));
        g.OutputAs(up, "sample", ElementType.Float, "batch", 3, "sample_height", "sample_width");
        return g.Build();
    }

    public static ModelProto Encoder()
    {
        var g = new GraphBuilder("demo_vae_encoder");
        var x = g.Input("sample", ElementType.Float, "batch", 3, "height", "width");
        var pooled = g.Op("AveragePool", [x], ("kernel_shape", new long[] { DemoLatentSpace.Factor, DemoLatentSpace.Factor }),
            ("strides", new long[] { DemoLatentSpace.Factor, DemoLatentSpace.Factor }));
        var e = DemoLatentSpace.EncodeMatrix();
        var w = new float[DemoLatentSpace.Channels * 3];
        for (int k = 0; k < DemoLatentSpace.Channels; k++)
            for (int c = 0; c < 3; c++) w[k * 3 + c] = e[k, c];
        var weight = g.Initializer("channel_map.weight", w, [DemoLatentSpace.Channels, 3, 1, 1]);
        var bias = g.Initializer("channel_map.bias", DemoLatentSpace.EncodeBias(), [DemoLatentSpace.Channels]);
        var z = g.Op("Conv", [pooled, weight, bias], ("kernel_shape", new long[] { 1, 1 }));     // UNet space
        // Energy balance per image: c = √(max(0, 4·P·rms² − ‖z‖²)/P) along the hidden direction (DemoLatentSpace.HiddenDirection).
        var norm2 = g.Op("ReduceSumSquare", [z], ("axes", new long[] { 1, 2, 3 }), ("keepdims", 1));   // [B, 1, 1, 1]
        var pixels = g.Op("Cast", [g.Op("ReduceProd", [g.Op("Slice", g.Op("Shape", z), g.Ints(2), g.Ints(4), g.Ints(0))], ("keepdims", 0))],
            ("to", (int)ElementType.Float));
        var target = g.Op("Mul", pixels, g.Scalar(DemoLatentSpace.Channels * DemoLatentSpace.TargetRms * DemoLatentSpace.TargetRms));
        var c2 = g.Op("Div", g.Op("Relu", g.Op("Sub", target, norm2)), pixels);
        var direction = g.Initializer("hidden_direction", DemoLatentSpace.HiddenDirection, [1, DemoLatentSpace.Channels, 1, 1]);
        var balanced = g.Op("Add", z, g.Op("Mul", g.Op("Sqrt", c2), direction));
        var unscaled = g.Op("Div", balanced, g.Scalar(DemoLatentSpace.ScalingFactor));
        g.OutputAs(unscaled, "latent_sample", ElementType.Float, "batch", DemoLatentSpace.Channels, "latent_height", "latent_width");
        return g.Build();
    }
}
