namespace WebUI.Diffusion.Sampling.Samplers;

/// <summary>
/// k-diffusion's <c>DPMSolver</c> (Lu et al. 2022, noise-prediction form) in log-SNR time t = −ln σ, shared by
/// "DPM fast" and "DPM adaptive". ε(x, t) = (x − D(x, σ(t)))/σ(t). Buffers are allocated once per sampling run;
/// an evaluation cache per step avoids recomputing ε at points the 2- and 3-stage formulas share.
/// </summary>
sealed class DpmSolver
{
    readonly SamplingContext _c;
    readonly int _n;
    public readonly float[] Eps, EpsR1, EpsR2, U, Denoised;
    readonly float[] _scratch;
    bool _hasEps, _hasR1, _hasR2;
    double _r1Key;

    public DpmSolver(SamplingContext c, int length)
    {
        _c = c;
        _n = length;
        Eps = new float[length]; EpsR1 = new float[length]; EpsR2 = new float[length];
        U = new float[length]; Denoised = new float[length]; _scratch = new float[length];
    }

    public int ModelCalls { get; private set; }

    public static double Sigma(double t) => Math.Exp(-t);
    public static double T(double sigma) => -Math.Log(sigma);

    /// <summary>Starts a new step: forgets every cached ε.</summary>
    public void NewStep() { _hasEps = _hasR1 = _hasR2 = false; }

    void EvalEps(float[] x, double t, float[] dest, float[] denoised)
    {
        _c.CancellationToken.ThrowIfCancellationRequested();
        double sigma = Sigma(t);
        _c.Model.Denoise(x, sigma, denoised);
        ModelCalls++;
        for (int j = 0; j < _n; j++) dest[j] = (float)((x[j] - denoised[j]) / sigma);
    }

    /// <summary>ε at (x, t), also leaving D(x, σ(t)) in <see cref="Denoised"/> (what previews show).</summary>
    public void EnsureEps(float[] x, double t)
    {
        if (_hasEps) return;
        EvalEps(x, t, Eps, Denoised);
        _hasEps = true;
    }

    public void Step1(float[] x, double t, double tNext, float[] dest)
    {
        EnsureEps(x, t);
        double k = Sigma(tNext) * SamplerMath.Expm1(tNext - t);
        for (int j = 0; j < _n; j++) dest[j] = (float)(x[j] - k * Eps[j]);
    }

    public void Step2(float[] x, double t, double tNext, double r1, float[] dest)
    {
        EnsureEps(x, t);
        double h = tNext - t, s1 = t + r1 * h;
        EnsureR1(x, s1, r1 * h, r1);
        double k0 = Sigma(tNext) * SamplerMath.Expm1(h), k1 = Sigma(tNext) / (2 * r1) * SamplerMath.Expm1(h);
        for (int j = 0; j < _n; j++) dest[j] = (float)(x[j] - k0 * Eps[j] - k1 * (EpsR1[j] - Eps[j]));
    }

    public void Step3(float[] x, double t, double tNext, float[] dest, double r1 = 1.0 / 3, double r2 = 2.0 / 3)
    {
        EnsureEps(x, t);
        double h = tNext - t, s1 = t + r1 * h, s2 = t + r2 * h;
        EnsureR1(x, s1, r1 * h, r1);
        if (!_hasR2)
        {
            double a = Sigma(s2) * SamplerMath.Expm1(r2 * h);
            double b = Sigma(s2) * (r2 / r1) * (SamplerMath.Expm1(r2 * h) / (r2 * h) - 1);
            for (int j = 0; j < _n; j++) U[j] = (float)(x[j] - a * Eps[j] - b * (EpsR1[j] - Eps[j]));
            EvalEps(U, s2, EpsR2, _scratch);
            _hasR2 = true;
        }
        double k0 = Sigma(tNext) * SamplerMath.Expm1(h), k2 = Sigma(tNext) / r2 * (SamplerMath.Expm1(h) / h - 1);
        for (int j = 0; j < _n; j++) dest[j] = (float)(x[j] - k0 * Eps[j] - k2 * (EpsR2[j] - Eps[j]));
    }

    /// <summary>ε at the first intermediate point u1 = x − σ(s1)·(e^(r1·h) − 1)·ε (cached per step and r1, like k-diffusion's 'eps_r1').</summary>
    void EnsureR1(float[] x, double s1, double r1h, double r1)
    {
        if (_hasR1 && _r1Key == r1) return;
        double a = Sigma(s1) * SamplerMath.Expm1(r1h);
        for (int j = 0; j < _n; j++) U[j] = (float)(x[j] - a * Eps[j]);
        EvalEps(U, s1, EpsR1, _scratch);
        _hasR1 = true;
        _r1Key = r1;
    }
}
