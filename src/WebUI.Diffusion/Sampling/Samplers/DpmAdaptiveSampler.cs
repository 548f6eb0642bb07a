namespace WebUI.Diffusion.Sampling.Samplers;

/// <summary>
/// k-diffusion <c>sample_dpm_adaptive</c>: DPM-Solver-23 with embedded error estimate (order 3, rtol 0.05,
/// atol 0.0078, h_init 0.05) and a PID step-size controller (integral only, accept safety 0.81), from σ_max down to
/// σ_min (read off the σ list like DPM fast; the step count does not matter). The number of model calls is adaptive,
/// 3 per attempted step (rejected attempts included, as upstream). A1111 passes η = 1, which makes it ancestral.
/// </summary>
sealed class DpmAdaptiveSampler : ISampler
{
    const int Order = 3, MaxAttempts = 10_000;
    const double Rtol = 0.05, Atol = 0.0078, HInit = 0.05, AcceptSafety = 0.81;
    public string Name => "DPM adaptive";

    public void Sample(float[] x, SamplingContext c)
    {
        var (sigmaMin, sigmaMax, nominal) = DpmRange.From(c.Sigmas);
        if (nominal < 1) return;
        double eta = c.Options.Eta ?? 1.0;
        var solver = new DpmSolver(c, x.Length);
        var low = new float[x.Length];
        var high = new float[x.Length];
        var prev = (float[])x.Clone();
        var noise = new float[x.Length];
        double tStart = DpmSolver.T(sigmaMax), tEnd = DpmSolver.T(sigmaMin), s = tStart;
        var pid = new PidStepSizeController(HInit, eta != 0 ? 1.5 : Order, AcceptSafety);
        int attempts = 0;
        while (s < tEnd - 1e-5)
        {
            if (++attempts > MaxAttempts) throw new InvalidOperationException("DPM adaptive did not converge (step size collapsed).");
            solver.NewStep();
            double t = Math.Min(tEnd, s + pid.H), tTarget = t, up = 0;
            if (eta != 0)
            {
                var (down, _) = SamplerMath.Ancestral(DpmSolver.Sigma(s), DpmSolver.Sigma(t), eta);
                tTarget = Math.Min(tEnd, DpmSolver.T(down));
                up = Math.Sqrt(Math.Max(0, DpmSolver.Sigma(t) * DpmSolver.Sigma(t) - DpmSolver.Sigma(tTarget) * DpmSolver.Sigma(tTarget)));
            }
            solver.Step2(x, s, tTarget, 1.0 / 3, low);
            solver.Step3(x, s, tTarget, high);

            // error = ‖(x_low − x_high)/δ‖₂/√n with δ = max(atol, rtol·max(|x_low|, |x_prev|))
            double sum = 0;
            for (int j = 0; j < x.Length; j++)
            {
                double delta = Math.Max(Atol, Rtol * Math.Max(Math.Abs(low[j]), Math.Abs(prev[j])));
                double e = (low[j] - high[j]) / delta;
                sum += e * e;
            }
            double error = Math.Sqrt(sum) / Math.Sqrt(x.Length);
            if (!double.IsFinite(error)) throw new InvalidOperationException("DPM adaptive: the model produced non-finite values.");
            if (pid.ProposeStep(error))
            {
                Array.Copy(low, prev, x.Length);
                Array.Copy(high, x, x.Length);
                SamplerMath.AddNoise(c, x, noise, up);   // A1111 passes no s_noise to it
                s = t;
            }
            SamplerMath.Report(c, attempts - 1, Math.Max(nominal, attempts), DpmSolver.Sigma(s), x, solver.Denoised);
        }
    }
}

/// <summary>k-diffusion's PID step-size controller with p = 0, i = 1, d = 0 (the coefficients A1111 uses).</summary>
sealed class PidStepSizeController(double h, double order, double acceptSafety)
{
    const double PCoeff = 0, ICoeff = 1, DCoeff = 0, Eps = 1e-8;
    readonly double _b1 = (PCoeff + ICoeff + DCoeff) / order, _b2 = -(PCoeff + 2 * DCoeff) / order, _b3 = DCoeff / order;
    readonly double[] _errs = new double[3];
    bool _started;

    public double H { get; private set; } = h;

    public bool ProposeStep(double error)
    {
        double inv = 1 / (error + Eps);
        if (!_started) { _errs[0] = _errs[1] = _errs[2] = inv; _started = true; }
        _errs[0] = inv;
        double factor = Math.Pow(_errs[0], _b1) * Math.Pow(_errs[1], _b2) * Math.Pow(_errs[2], _b3);
        factor = 1 + Math.Atan(factor - 1);
        bool accept = factor >= acceptSafety;
        if (accept) { _errs[2] = _errs[1]; _errs[1] = _errs[0]; }
        H *= factor;
        return accept;
    }
}
