using WebUI.Diffusion.Sampling;

namespace WebUI.Diffusion.Pipelines;

/// <summary>
/// A1111's inpainting latent blend around the CFG denoiser (diffusion-reference §5.2, a1111-reference §8.3), with
/// nmask m (1 = repaint) at latent size and the init latent x₀:
/// <list type="bullet">
/// <item>k-diffusion samplers: D ← D·m + x₀·(1 − m) after every denoiser call;</item>
/// <item>timestep samplers (DDIM, PLMS, UniPC; A1111's mask_before_denoising): the UNet sees x·m + x₀·(1 − m) in VP
/// space, i.e. x·m + √(1+σ²)·x₀·(1 − m) in the k-space these samplers run in here, and the sampler gets back the
/// ε of that call relative to its own x (D = D' + x − x').</item>
/// </list>
/// After sampling <see cref="FinalBlend"/> applies x ← x·m + x₀·(1 − m) once more. All buffers are made once.
/// </summary>
internal sealed class MaskedDenoiser : IGuidedDenoiser
{
    readonly IGuidedDenoiser _inner;
    readonly float[] _init, _nmask, _blended;
    readonly int _plane, _perImage;
    readonly bool _before;

    /// <param name="inner">The CFG denoiser.</param>
    /// <param name="initLatent">x₀ for every image of the batch [B, C, h, w].</param>
    /// <param name="nmask">Repaint weight per latent pixel [h, w], shared by channels and images.</param>
    /// <param name="channels">Latent channels.</param>
    /// <param name="blendBeforeDenoising">True for timestep samplers.</param>
    public MaskedDenoiser(IGuidedDenoiser inner, float[] initLatent, float[] nmask, int channels, bool blendBeforeDenoising)
    {
        _inner = inner;
        _init = initLatent;
        _nmask = nmask;
        _plane = nmask.Length;
        _perImage = channels * _plane;
        if (initLatent.Length % _perImage != 0) throw new ArgumentException("The init latent does not match the mask.", nameof(initLatent));
        _before = blendBeforeDenoising;
        _blended = blendBeforeDenoising ? new float[initLatent.Length] : [];
    }

    public void Denoise(ReadOnlySpan<float> x, double sigma, Span<float> denoised)
    {
        if (_before)
        {
            BlendInput(x, sigma);
            _inner.Denoise(_blended, sigma, denoised);
            Correct(x, denoised);
        }
        else
        {
            _inner.Denoise(x, sigma, denoised);
            Blend(denoised);
        }
    }

    public void DenoiseGuided(ReadOnlySpan<float> x, double sigma, double guidanceScaleMultiplier, Span<float> denoised, Span<float> unconditionalDenoised)
    {
        if (_before)
        {
            BlendInput(x, sigma);
            _inner.DenoiseGuided(_blended, sigma, guidanceScaleMultiplier, denoised, unconditionalDenoised);
            Correct(x, denoised);
            Correct(x, unconditionalDenoised);
        }
        else
        {
            _inner.DenoiseGuided(x, sigma, guidanceScaleMultiplier, denoised, unconditionalDenoised);
            Blend(denoised);
            Blend(unconditionalDenoised);
        }
    }

    void BlendInput(ReadOnlySpan<float> x, double sigma)
    {
        float k = (float)Math.Sqrt(1 + sigma * sigma);
        for (int i = 0; i < x.Length; i++)
        {
            float m = _nmask[i % _plane];
            _blended[i] = x[i] * m + k * _init[i] * (1 - m);
        }
    }

    void Correct(ReadOnlySpan<float> x, Span<float> denoised)
    {
        for (int i = 0; i < denoised.Length; i++) denoised[i] += x[i] - _blended[i];
    }

    void Blend(Span<float> v) => FinalBlend(v, _init, _nmask);

    /// <summary>x ← x·m + x₀·(1 − m) over a batch (x₀ has the batch's length).</summary>
    public static void FinalBlend(Span<float> x, ReadOnlySpan<float> init, ReadOnlySpan<float> nmask)
    {
        int plane = nmask.Length;
        for (int i = 0; i < x.Length; i++)
        {
            float m = nmask[i % plane];
            x[i] = x[i] * m + init[i] * (1 - m);
        }
    }
}
