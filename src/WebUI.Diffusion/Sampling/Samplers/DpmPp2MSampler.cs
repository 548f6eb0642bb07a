namespace WebUI.Diffusion.Sampling.Samplers;

/// <summary>
/// k-diffusion <c>sample_dpmpp_2m</c>: multistep DPM-Solver++(2M); first-order on the first step and on the step
/// to σ = 0. One call per step.
/// </summary>
sealed class DpmPp2MSampler : ISampler
{
    public string Name => "DPM++ 2M";

    public void Sample(float[] x, SamplingContext c)
    {
        var s = c.Sigmas;
        int n = s.Length - 1;
        var den = new float[x.Length];
        var old = new float[x.Length];
        for (int i = 0; i < n; i++)
        {
            c.CancellationToken.ThrowIfCancellationRequested();
            c.Model.Denoise(x, s[i], den);
            double r0 = s[i + 1] / s[i];
            if (i == 0 || s[i + 1] == 0)
            {
                SamplerMath.FirstOrder(x, den, s[i], s[i + 1]);
            }
            else
            {
                double h = Math.Log(s[i] / s[i + 1]), hLast = Math.Log(s[i - 1] / s[i]);
                double r = hLast / h, a = 1 + 1 / (2 * r), b = 1 / (2 * r);
                for (int j = 0; j < x.Length; j++)
                    x[j] = (float)(r0 * x[j] + (1 - r0) * (a * den[j] - b * old[j]));
            }
            Array.Copy(den, old, x.Length);
            SamplerMath.Report(c, i, n, s[i], x, den);
        }
    }
}
