namespace WebUI.Diffusion.Sampling.Samplers;

/// <summary>
/// k-diffusion <c>sample_lms</c> (order 4): linear multistep in σ over the last ≤ 4 derivatives; one call per step.
/// The coefficients are integrals of Lagrange basis polynomials (degree ≤ 3), integrated exactly with 4-point
/// Gauss–Legendre instead of upstream's scipy quad.
/// </summary>
sealed class LmsSampler : ISampler
{
    public const int Order = 4;
    public string Name => "LMS";

    public void Sample(float[] x, SamplingContext c)
    {
        var s = c.Sigmas;
        int n = s.Length - 1;
        var den = new float[x.Length];
        // ring of derivatives: history[(i - j) % Order] holds d_{i-j}
        var history = new float[Order][];
        for (int k = 0; k < Order; k++) history[k] = new float[x.Length];
        Span<double> coeff = stackalloc double[Order];
        for (int i = 0; i < n; i++)
        {
            c.CancellationToken.ThrowIfCancellationRequested();
            c.Model.Denoise(x, s[i], den);
            var d = history[i % Order];
            for (int j = 0; j < x.Length; j++) d[j] = (float)((x[j] - den[j]) / s[i]);
            int order = Math.Min(i + 1, Order);
            Coefficients(s, i, order, coeff);
            for (int back = 0; back < order; back++)
                SamplerMath.AddScaled(x, history[(i - back) % Order], coeff[back]);
            SamplerMath.Report(c, i, n, s[i], x, den);
        }
    }

    static readonly double[] GaussNodes = [-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526];
    static readonly double[] GaussWeights = [0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538];

    /// <summary>c_j = ∫ from σ[i] to σ[i+1] of ∏_{k≠j} (τ − σ[i−k])/(σ[i−j] − σ[i−k]) dτ, for j = 0..order−1.</summary>
    internal static void Coefficients(double[] sigmas, int i, int order, Span<double> dest)
    {
        if (order - 1 > i) throw new ArgumentException($"Order {order} too high for step {i}.");
        double a = sigmas[i], b = sigmas[i + 1];
        double half = (b - a) / 2, mid = (a + b) / 2;
        for (int j = 0; j < order; j++)
        {
            double sum = 0;
            for (int q = 0; q < GaussNodes.Length; q++)
            {
                double tau = mid + half * GaussNodes[q];
                double prod = 1;
                for (int k = 0; k < order; k++)
                {
                    if (k == j) continue;
                    prod *= (tau - sigmas[i - k]) / (sigmas[i - j] - sigmas[i - k]);
                }
                sum += GaussWeights[q] * prod;
            }
            dest[j] = sum * half;
        }
    }
}
