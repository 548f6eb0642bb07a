namespace WebUI.Diffusion.Sampling.Schedules;

/// <summary>
/// The model's discrete σ table as A1111's schedulers see it (k-diffusion's "inner model"): the table itself,
/// t_to_sigma / sigma_to_t in table-index units, and the model's own <c>get_sigmas(n)</c>.
/// Normal models use the 1000-entry table with continuous (log-σ interpolated) sigma_to_t. A1111's LCM denoiser
/// instead uses the 50 distilled timesteps t = 19, 39, …, 999 with a quantized (nearest) sigma_to_t; index k of
/// that table is timestep 20k + 19.
/// </summary>
public sealed class ModelSigmas
{
    ModelSigmas(NoiseSchedule table, bool quantized)
    {
        Table = table;
        QuantizedSigmaToT = quantized;
    }

    public NoiseSchedule Table { get; }
    public bool QuantizedSigmaToT { get; }
    public int Length => Table.Length;
    public double SigmaMin => Table.SigmaMin;
    public double SigmaMax => Table.SigmaMax;

    public static ModelSigmas Of(NoiseSchedule schedule) => new(schedule, quantized: false);

    /// <summary>A1111's LCMCompVisDenoiser table: ᾱ at t = T−1−k·(T/50) for k = 0..49, ascending in t.</summary>
    public static ModelSigmas LcmOf(NoiseSchedule schedule, int originalSteps = LcmBoundary.OriginalSteps)
    {
        int skip = schedule.Length / originalSteps;
        var alphas = new double[originalSteps];
        for (int k = 0; k < originalSteps; k++)
            alphas[originalSteps - 1 - k] = schedule.AlphasCumprod[schedule.Length - 1 - k * skip];
        return new ModelSigmas(new NoiseSchedule(alphas), quantized: true);
    }

    public double Sigma(int index) => Table.Sigmas[index];
    public double TToSigma(double t) => Table.TToSigma(t);
    public double SigmaToT(double sigma) => QuantizedSigmaToT ? Table.SigmaToNearestT(sigma) : Table.SigmaToT(sigma);

    /// <summary>
    /// k-diffusion <c>get_sigmas(n)</c>: t = linspace(T−1, 0, n) mapped to σ, then a final 0 (for LCM the same over
    /// its 50 entries; sigma_to_t of the table ends is exactly T−1 and 0 in both cases).
    /// </summary>
    public double[] GetSigmas(int n)
    {
        var t = Linspace.Of(Length - 1, 0, n);
        var s = new double[n + 1];
        for (int i = 0; i < n; i++) s[i] = TToSigma(t[i]);
        return s;
    }
}
