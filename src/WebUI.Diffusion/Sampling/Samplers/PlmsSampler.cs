namespace WebUI.Diffusion.Sampling.Samplers;

/// <summary>
/// A1111's PLMS (<c>sd_samplers_timesteps_impl.plms</c>): pseudo linear multistep (Adams–Bashforth on ε, orders
/// 2–4) over DDIM(η = 0) moves, written in k-space where the DDIM move is x' = x + (σ' − σ)·ε. The first step is a
/// pseudo improved Euler step with an extra model call at σ', so a run costs one call more than it has steps.
/// </summary>
sealed class PlmsSampler : ISampler
{
    public string Name => "PLMS";

    public void Sample(float[] x, SamplingContext c)
    {
        var s = c.Sigmas;
        int n = s.Length - 1;
        var den = new float[x.Length];
        var eps = new float[x.Length];
        var prime = new float[x.Length];
        var x2 = new float[x.Length];
        var old = new[] { new float[x.Length], new float[x.Length], new float[x.Length] };   // ε of steps i−1, i−2, i−3
        int history = 0;
        for (int i = 0; i < n; i++)
        {
            c.CancellationToken.ThrowIfCancellationRequested();
            double sigma = s[i], next = s[i + 1], dt = next - sigma;
            c.Model.Denoise(x, sigma, den);
            for (int j = 0; j < x.Length; j++) eps[j] = (float)((x[j] - den[j]) / sigma);
            float[] e1 = old[0], e2 = old[1], e3 = old[2];
            switch (history)
            {
                case 0 when next > 0:
                    for (int j = 0; j < x.Length; j++) x2[j] = (float)(x[j] + dt * eps[j]);
                    c.CancellationToken.ThrowIfCancellationRequested();
                    c.Model.Denoise(x2, next, prime);
                    for (int j = 0; j < x.Length; j++) prime[j] = (float)((eps[j] + (x2[j] - prime[j]) / next) / 2);
                    break;
                case 0:
                    Array.Copy(eps, prime, x.Length);
                    break;
                case 1:
                    for (int j = 0; j < x.Length; j++) prime[j] = (3 * eps[j] - e1[j]) / 2;
                    break;
                case 2:
                    for (int j = 0; j < x.Length; j++) prime[j] = (23 * eps[j] - 16 * e1[j] + 5 * e2[j]) / 12;
                    break;
                default:
                    for (int j = 0; j < x.Length; j++) prime[j] = (55 * eps[j] - 59 * e1[j] + 37 * e2[j] - 9 * e3[j]) / 24;
                    break;
            }
            // preview: pred_x0 from ε' (as A1111), then the DDIM move with ε'
            for (int j = 0; j < x.Length; j++)
            {
                den[j] = (float)(x[j] - sigma * prime[j]);
                x[j] = (float)(x[j] + dt * prime[j]);
            }
            // push ε (not ε') into the history: rotate the three buffers
            (old[0], old[1], old[2]) = (old[2], old[0], old[1]);
            Array.Copy(eps, old[0], x.Length);
            history = Math.Min(history + 1, 3);
            SamplerMath.Report(c, i, n, sigma, x, den);
        }
    }
}
