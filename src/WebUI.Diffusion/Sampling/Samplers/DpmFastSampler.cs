namespace WebUI.Diffusion.Sampling.Samplers;

/// <summary>
/// k-diffusion <c>sample_dpm_fast</c>: DPM-Solver with a fixed budget of n model calls spread over ⌊n/3⌋+1 steps
/// uniform in t = −ln σ (orders 3, …, 3 then 2/1). It takes (σ_min, σ_max, n) rather than a σ list, so the σ list
/// only supplies them the way A1111 does: σ_max = σ[0], σ_min = the last non-zero σ, n = len − 1. It ends at σ_min
/// without a final denoise, like upstream. A1111 passes η = 1 (eta_ancestral), making it ancestral.
/// </summary>
sealed class DpmFastSampler : ISampler
{
    public string Name => "DPM fast";

    public void Sample(float[] x, SamplingContext c)
    {
        var (sigmaMin, sigmaMax, nfe) = DpmRange.From(c.Sigmas);
        if (nfe < 1) return;
        double eta = c.Options.Eta ?? 1.0;
        var solver = new DpmSolver(c, x.Length);
        var next = new float[x.Length];
        var noise = new float[x.Length];
        double tStart = DpmSolver.T(sigmaMax), tEnd = DpmSolver.T(sigmaMin);
        int m = nfe / 3 + 1;
        var ts = new double[m + 1];
        for (int k = 0; k <= m; k++) ts[k] = k == m ? tEnd : tStart + (tEnd - tStart) * k / m;
        var orders = new List<int>();
        if (nfe % 3 == 0) { for (int k = 0; k < m - 2; k++) orders.Add(3); orders.Add(2); orders.Add(1); }
        else { for (int k = 0; k < m - 1; k++) orders.Add(3); orders.Add(nfe % 3); }

        for (int i = 0; i < orders.Count; i++)
        {
            solver.NewStep();
            double t = ts[i], tNext = ts[i + 1], tTarget = tNext, up = 0;
            if (eta != 0)
            {
                var (down, _) = SamplerMath.Ancestral(DpmSolver.Sigma(t), DpmSolver.Sigma(tNext), eta);
                tTarget = Math.Min(tEnd, DpmSolver.T(down));
                up = Math.Sqrt(Math.Max(0, DpmSolver.Sigma(tNext) * DpmSolver.Sigma(tNext) - DpmSolver.Sigma(tTarget) * DpmSolver.Sigma(tTarget)));
            }
            switch (orders[i])
            {
                case 1: solver.Step1(x, t, tTarget, next); break;
                case 2: solver.Step2(x, t, tTarget, 0.5, next); break;
                default: solver.Step3(x, t, tTarget, next); break;
            }
            Array.Copy(next, x, x.Length);
            SamplerMath.AddNoise(c, x, noise, up * c.Options.SNoise);
            SamplerMath.Report(c, i, orders.Count, DpmSolver.Sigma(t), x, solver.Denoised);
        }
    }
}

/// <summary>How DPM fast/adaptive read their (σ_min, σ_max, n) off a σ list, matching A1111's txt2img and img2img calls.</summary>
static class DpmRange
{
    public static (double Min, double Max, int N) From(double[] sigmas)
    {
        if (sigmas.Length < 2) return (0, 0, 0);
        double min = sigmas[^1] > 0 ? sigmas[^1] : sigmas[^2];
        if (!(min > 0) || !(sigmas[0] > 0)) throw new ArgumentException("DPM fast/adaptive need σ_min and σ_max greater than 0.");
        return (min, sigmas[0], sigmas.Length - 1);
    }
}
