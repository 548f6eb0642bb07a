namespace WebUI.Diffusion.Sampling.Rng;

/// <summary>
/// A seeded Gaussian stream for one image, like a torch generator: each call fills a whole tensor
/// (for NV, one Philox offset per call; for CPU, torch's CPU generator state advances).
/// </summary>
public interface IRandomGenerator
{
    void NextGaussian(Span<float> destination);
}
