using WebUI.Diffusion.Sampling.Schedules;

namespace WebUI.Diffusion.Sampling;

/// <summary>
/// What the engine's denoiser must do for the "LCM" sampler (A1111 <c>LCMCompVisDenoiser</c>, diffusion-reference
/// §3.12/§3.16): quantize σ to the nearest of the 50 distilled timesteps (t = 20k + 19), run the UNet at that integer
/// t (with c_in = 1/√(σ²+1) of the continuous σ as usual), form the ε-denoised x0 and apply the consistency boundary
/// condition D = c_out(t)·x0 + c_skip(t)·x.
/// </summary>
public static class LcmBoundary
{
    public const int OriginalSteps = 50;
    const double SigmaData = 0.5, TimestepScaling = 10.0;
    static readonly System.Runtime.CompilerServices.ConditionalWeakTable<NoiseSchedule, ModelSigmas> Tables = new();

    /// <summary>The LCM timestep for σ: nearest entry in log σ of the 50-step table, as 20k + 19.</summary>
    public static int Timestep(NoiseSchedule schedule, double sigma)
    {
        var lcm = Tables.GetValue(schedule, s => ModelSigmas.LcmOf(s));
        int stride = schedule.Length / OriginalSteps;
        return (int)lcm.SigmaToT(sigma) * stride + (stride - 1);
    }

    /// <summary>Boundary-condition scalings at an integer timestep: τ = 10·t, c_skip = ¼/(τ²+¼), c_out = τ/√(τ²+¼).</summary>
    public static (double CSkip, double COut) Scalings(int timestep)
    {
        double tau = timestep * TimestepScaling;
        return (SigmaData * SigmaData / (tau * tau + SigmaData * SigmaData), tau / Math.Sqrt(tau * tau + SigmaData * SigmaData));
    }
}
