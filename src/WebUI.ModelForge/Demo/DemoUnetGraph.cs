using Onnx;
using WebUI.ModelForge.Onnx;

namespace WebUI.ModelForge.Demo;

/// <summary>
/// The demo UNet: the exact posterior-mean denoiser of a Gaussian mixture over the gallery latents, exported as an
/// ε-predictor in the diffusers-script contract (demo-model.md). Inputs <c>sample</c> [batch, 4, h, w] (VP-scaled),
/// <c>timestep</c> float [batch] (the graph casts, flattens and uses the first value, so the usual shape [1] with a
/// batch of 2 works), <c>encoder_hidden_states</c> [batch, sequence, 768];
/// output <c>out_sample</c>. Per batch row b:
/// <list type="number">
/// <item>σ = exp of log σ interpolated linearly between the table entries around t (k-diffusion's t_to_sigma), t clamped to [0, 999];</item>
/// <item>x = sample·√(1 + σ²); μ_k = the base latents resized (bilinear) to h × w;</item>
/// <item>log π_k = log-softmax_k(β · Σ_tokens affinity_k), the affinities being the first K channels of the hidden states;</item>
/// <item>r_k = softmax_k(log π_k − ‖x − μ_k‖² / (2(σ² + τ²)));</item>
/// <item>D = Σ_k r_k (τ²x + σ²μ_k)/(σ² + τ²), and ε = (x − D)/σ, computed as σ(x − Σ_k r_k μ_k)/(σ² + τ²), which is
/// the same number without the cancellation of x − D at small σ.</item>
/// </list>
/// Summing affinities over tokens (rather than taking the largest) lets words combine: "red circle on blue" favours the
/// members carrying all three tags over members carrying any one of them, and repeating or emphasising a word strengthens it.
/// </summary>
static class DemoUnetGraph
{
    public static ModelProto Build(float[] baseLatents, int members, int size, double[] sigmaTable, float beta, float tau, int hidden)
    {
        var g = new GraphBuilder("demo_unet");
        var sample = g.Input("sample", ElementType.Float, "batch", DemoLatentSpace.Channels, "height", "width");
        var timestep = g.Input("timestep", ElementType.Float, "batch");
        var states = g.Input("encoder_hidden_states", ElementType.Float, "batch", "sequence", hidden);

        // 1. σ from the first timestep value.
        var t = g.Op("Reshape", g.Op("Cast", [timestep], ("to", (int)ElementType.Float)), g.Ints(-1));
        t = g.Op("Slice", t, g.Ints(0), g.Ints(1), g.Ints(0));                                       // [1]
        t = g.Op("Clip", t, g.Scalar(0f), g.Scalar(sigmaTable.Length - 1));
        var lo = g.Op("Floor", t);
        var hi = g.Op("Ceil", t);
        var w = g.Op("Sub", t, lo);
        var logTable = g.Initializer("log_sigmas", sigmaTable.Select(s => (float)Math.Log(s)).ToArray(), [sigmaTable.Length]);
        var logLo = g.Op("Gather", [logTable, g.Op("Cast", [lo], ("to", (int)ElementType.Int64))], ("axis", 0));
        var logHi = g.Op("Gather", [logTable, g.Op("Cast", [hi], ("to", (int)ElementType.Int64))], ("axis", 0));
        var logSigma = g.Op("Add", g.Op("Mul", g.Op("Sub", g.Scalar(1f), w), logLo), g.Op("Mul", w, logHi));
        var sigma = g.Op("Exp", logSigma);                                                            // [1]
        var sigma2 = g.Op("Mul", sigma, sigma);
        var variance = g.Op("Add", sigma2, g.Scalar(tau * tau));                                      // σ² + τ²

        // 2. Undo the VP input scaling; bring μ to the sample's size.
        var x = g.Op("Mul", sample, g.Op("Sqrt", g.Op("Add", sigma2, g.Scalar(1f))));
        var mu0 = g.Initializer("gallery_latents", baseLatents, [members, DemoLatentSpace.Channels, size, size]);
        var hw = g.Op("Slice", g.Op("Shape", sample), g.Ints(2), g.Ints(4), g.Ints(0));
        var sizes = g.Op("Concat", [g.Ints(members, DemoLatentSpace.Channels), hw], ("axis", 0));
        var mu = g.Op("Resize", [mu0, "", "", sizes], ("mode", "linear"), ("coordinate_transformation_mode", "half_pixel"));

        // 3. Log-likelihoods ‖x − μ_k‖² per batch row, [B, K].
        var diff = g.Op("Sub", g.Op("Unsqueeze", x, g.Ints(1)), g.Op("Unsqueeze", mu, g.Ints(0)));   // [B, K, 4, h, w]
        var dist2 = g.Op("ReduceSumSquare", [diff], ("axes", new long[] { 2, 3, 4 }), ("keepdims", 0));
        var logLik = g.Op("Neg", g.Op("Div", dist2, g.Op("Mul", g.Scalar(2f), variance)));

        // 4. Prompt prior from the first K hidden channels, [B, K].
        var affinity = g.Op("Slice", states, g.Ints(0), g.Ints(members), g.Ints(2));                   // [B, S, K]
        var summed = g.Op("ReduceSum", [affinity, g.Ints(1)], ("keepdims", 0));
        var logPrior = g.Op("LogSoftmax", [g.Op("Mul", summed, g.Scalar(beta))], ("axis", -1));

        // 5. Responsibilities and the posterior mean's μ part, then ε.
        var r = g.Op("Softmax", [g.Op("Add", logPrior, logLik)], ("axis", -1));                        // [B, K]
        var muFlat = g.Op("Reshape", mu, g.Ints(members, -1));                                          // [K, 4hw]
        var mean = g.Op("Reshape", g.Op("MatMul", r, muFlat), g.Op("Shape", x));                        // [B, 4, h, w]
        var eps = g.Op("Div", g.Op("Mul", sigma, g.Op("Sub", x, mean)), variance);
        g.OutputAs(eps, "out_sample", ElementType.Float, "batch", DemoLatentSpace.Channels, "height", "width");
        return g.Build();
    }
}
