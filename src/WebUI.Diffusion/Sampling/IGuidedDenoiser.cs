namespace WebUI.Diffusion.Sampling;

/// <summary>
/// Optional capability of a classifier-free-guidance denoiser, needed by CFG++ samplers (A1111's "DDIM CFG++").
/// CFG++ steps from the guided estimate D along the <em>unconditional</em> noise direction (x − D_u)/σ, and it
/// guides with a much smaller scale: A1111 multiplies the user's CFG scale by 1/12.5 for this sampler.
/// <para>
/// Engine contract: compute D_u (the unconditional/negative-prompt estimate) and D = D_u + w·m·(D_c − D_u),
/// where w is the request's CFG scale and m = <paramref name="guidanceScaleMultiplier"/>. With no unconditional
/// pass (w ≤ 1 shortcuts) write D into both spans. Counts as one model call, like <see cref="IDenoiser.Denoise"/>.
/// </para>
/// </summary>
public interface IGuidedDenoiser : IDenoiser
{
    void DenoiseGuided(ReadOnlySpan<float> x, double sigma, double guidanceScaleMultiplier, Span<float> denoised, Span<float> unconditionalDenoised);
}
