namespace WebUI.Diffusion.Sampling.Samplers;

/// <summary>
/// A1111's UniPC (<c>uni_pc.py</c>, Zhao et al. 2023): multistep, data prediction, B(h) variant "bh1" (default) or
/// "bh2", order 3 with lower-order warm-up and lower_order_final, UniC corrector after every step but the last.
/// In k-space (x = x_VP/α, λ = −ln σ) every α factor cancels: the predictor's first-order part is the DPM-Solver++
/// move x' = (σ'/σ)·x + (1 − σ'/σ)·D, and the corrector reuses the model call at the predicted point, which then
/// serves as the next step's history — so a run of N steps costs exactly N model calls. The "vary_coeff" variant
/// (A1111's third uni_pc_variant choice) is supported too.
/// </summary>
sealed class UniPcSampler(string variant, int order, bool lowerOrderFinal) : ISampler
{
    public string Name => "UniPC";

    public void Sample(float[] x, SamplingContext c)
    {
        var s = c.Sigmas;
        int steps = s.Length - 1;
        if (steps < 1) return;
        int maxOrder = Math.Clamp(order, 1, steps);   // upstream asserts steps ≥ order; clamp instead of failing
        var models = new float[maxOrder][];            // D at the last ≤ order points, oldest first
        var lambdas = new double[maxOrder];
        for (int k = 0; k < maxOrder; k++) models[k] = new float[x.Length];
        var work = new Workspace(maxOrder, x.Length);

        c.CancellationToken.ThrowIfCancellationRequested();
        c.Model.Denoise(x, s[0], models[0]);
        lambdas[0] = Lambda(s[0]);
        int count = 1;   // filled history entries (warm-up)

        for (int step = 1; step <= steps; step++)
        {
            c.CancellationToken.ThrowIfCancellationRequested();
            int stepOrder = step < maxOrder ? step : lowerOrderFinal ? Math.Min(maxOrder, steps + 1 - step) : maxOrder;
            bool corrector = step < steps;
            float[] newest = models[count - 1];   // what the preview shows when no corrector call happens (last step)
            Update(c, x, models, lambdas, count, s[step], stepOrder, corrector, work);

            if (count < maxOrder)
            {
                // warm-up: append
                Array.Copy(work.ModelT, models[count], x.Length);
                lambdas[count] = Lambda(s[step]);
                count++;
            }
            else
            {
                // shift the history left; the newest slot takes the corrector's model value (unneeded after the last step)
                var first = models[0];
                for (int k = 0; k < maxOrder - 1; k++) { models[k] = models[k + 1]; lambdas[k] = lambdas[k + 1]; }
                models[maxOrder - 1] = first;
                lambdas[maxOrder - 1] = Lambda(s[step]);
                if (step < steps) Array.Copy(work.ModelT, first, x.Length);
            }
            SamplerMath.Report(c, step - 1, steps, s[step - 1], x, corrector ? work.ModelT : newest);
        }
    }

    static double Lambda(double sigma) => -Math.Log(sigma);

    sealed class Workspace(int order, int length)
    {
        public readonly float[] Base = new float[length], ModelT = new float[length];
        public readonly double[] Rks = new double[order], Rhos = new double[order], B = new double[order];
        public readonly double[,] R = new double[order, order];
        public readonly double[] Solve = new double[order * (order + 1)];
        // vary_coeff: C (Taylor coefficients r^(k−1)/k!), its inverses and the h·φ_k values
        public readonly double[,] C = new double[order, order], InvP = new double[order, order], InvC = new double[order, order];
        public readonly double[] PhiKs = new double[order + 2], Invert = new double[order * 2 * order];
    }

    /// <summary>
    /// One UniP (+ UniC) step from the newest history point to σ_t with the given order; x is updated in place and
    /// <see cref="Workspace.ModelT"/> receives D at the predicted point when the corrector runs.
    /// </summary>
    void Update(SamplingContext c, float[] x, float[][] models, double[] lambdas, int count, double sigmaT, int stepOrder, bool useCorrector, Workspace w)
    {
        if (variant == "vary_coeff" && sigmaT != 0)
        {
            UpdateVaryCoeff(c, x, models, lambdas, count, sigmaT, stepOrder, useCorrector, w);
            return;
        }
        int last = count - 1;
        float[] m0 = models[last];
        double sigmaPrev = Math.Exp(-lambdas[last]);
        if (sigmaT == 0)
        {
            // λ = ∞: the first-order move lands on the newest D; higher-order terms vanish.
            Array.Copy(m0, x, x.Length);
            Array.Copy(m0, w.ModelT, x.Length);
            return;
        }
        double h = Lambda(sigmaT) - lambdas[last];
        int k1 = stepOrder - 1;   // number of D1 differences
        for (int i = 1; i < stepOrder; i++) w.Rks[i - 1] = (lambdas[last - i] - lambdas[last]) / h;
        w.Rks[k1] = 1;

        double hh = -h;                                    // data prediction
        double hPhi1 = SamplerMath.Expm1(hh);              // e^(−h) − 1
        double hPhiK = hPhi1 / hh - 1;
        double bh = variant == "bh2" ? SamplerMath.Expm1(hh) : hh;
        double factorial = 1;
        for (int i = 1; i <= stepOrder; i++)
        {
            for (int k = 0; k < stepOrder; k++) w.R[i - 1, k] = Math.Pow(w.Rks[k], i - 1);
            w.B[i - 1] = hPhiK * factorial / bh;
            factorial *= i + 1;
            hPhiK = hPhiK / hh - 1 / factorial;
        }

        // x_t_ = (σ_t/σ_prev)·x − h_φ1·m0   (k-space form of the first-order data-prediction update)
        double ratio = sigmaT / sigmaPrev;
        for (int j = 0; j < x.Length; j++) w.Base[j] = (float)(ratio * x[j] - hPhi1 * m0[j]);

        // predictor: x_t = x_t_ − B(h)·Σ ρ_p[k]·D1_k,  D1_k = (m_{prev k} − m0)/r_k
        Array.Copy(w.Base, x, x.Length);
        if (k1 > 0)
        {
            if (stepOrder == 2) w.Rhos[0] = 0.5;
            else SolveLinear(w.R, w.B, k1, w.Rhos, w.Solve);
            AddDifferences(x, models, last, w.Rks, w.Rhos, k1, -bh);
        }
        if (!useCorrector) return;

        c.Model.Denoise(x, sigmaT, w.ModelT);
        // corrector: x_t = x_t_ − B(h)·(Σ ρ_c[k]·D1_k + ρ_c[last]·(m_t − m0))
        if (stepOrder == 1) w.Rhos[0] = 0.5;
        else SolveLinear(w.R, w.B, stepOrder, w.Rhos, w.Solve);
        Array.Copy(w.Base, x, x.Length);
        AddDifferences(x, models, last, w.Rks, w.Rhos, k1, -bh);
        double cLast = -bh * w.Rhos[k1];
        for (int j = 0; j < x.Length; j++) x[j] += (float)(cLast * (w.ModelT[j] - m0[j]));
    }

    static void AddDifferences(float[] x, float[][] models, int last, double[] rks, double[] rhos, int count, double scale)
    {
        float[] m0 = models[last];
        for (int k = 0; k < count; k++)
        {
            float[] mk = models[last - 1 - k];
            double coef = scale * rhos[k] / rks[k];
            for (int j = 0; j < x.Length; j++) x[j] += (float)(coef * (mk[j] - m0[j]));
        }
    }

    /// <summary>
    /// uni_pc's "vary_coeff" variant: predictor/corrector coefficients from the inverse of the Taylor matrix
    /// C[i, k] = r_i^k/(k+1)!, applied with h·φ_(k+1) weights. Like upstream, the corrector's last term uses the
    /// row index left over from its loop (K − 2, or 0 when K = 1).
    /// </summary>
    void UpdateVaryCoeff(SamplingContext c, float[] x, float[][] models, double[] lambdas, int count, double sigmaT, int order, bool useCorrector, Workspace w)
    {
        int last = count - 1;
        float[] m0 = models[last];
        double sigmaPrev = Math.Exp(-lambdas[last]);
        double h = Lambda(sigmaT) - lambdas[last];
        int k1 = order - 1;
        for (int i = 1; i < order; i++) w.Rks[i - 1] = (lambdas[last - i] - lambdas[last]) / h;
        w.Rks[k1] = 1;
        for (int i = 0; i < order; i++)
        {
            double col = 1;
            for (int k = 0; k < order; k++)
            {
                w.C[i, k] = col;
                col = col * w.Rks[i] / (k + 2);
            }
        }
        if (k1 > 0) Invert(w.C, k1, w.InvP, w.Invert);
        if (useCorrector) Invert(w.C, order, w.InvC, w.Invert);

        double hh = -h, hPhi1 = SamplerMath.Expm1(hh), hPhiK = hPhi1, factorial = 1;
        for (int k = 1; k <= order + 1; k++)
        {
            w.PhiKs[k - 1] = hPhiK;
            hPhiK = hPhiK / hh - 1 / factorial;
            factorial *= k + 1;
        }

        double ratio = sigmaT / sigmaPrev;
        for (int j = 0; j < x.Length; j++) w.Base[j] = (float)(ratio * x[j] - hPhi1 * m0[j]);
        Array.Copy(w.Base, x, x.Length);
        for (int k = 0; k < k1; k++)
        {
            for (int q = 0; q < k1; q++) w.Rhos[q] = w.InvP[k, q];
            AddDifferences(x, models, last, w.Rks, w.Rhos, k1, -w.PhiKs[k + 1]);
        }
        if (!useCorrector) return;

        c.Model.Denoise(x, sigmaT, w.ModelT);
        Array.Copy(w.Base, x, x.Length);
        int row = 0;
        for (int k = 0; k < k1; k++)
        {
            for (int q = 0; q < k1; q++) w.Rhos[q] = w.InvC[k, q];
            AddDifferences(x, models, last, w.Rks, w.Rhos, k1, -w.PhiKs[k + 1]);
            row = k;
        }
        double cLast = -w.PhiKs[order] * w.InvC[row, order - 1];
        for (int j = 0; j < x.Length; j++) x[j] += (float)(cLast * (w.ModelT[j] - m0[j]));
    }

    /// <summary>Inverse of the leading n×n block of <paramref name="a"/> (Gauss–Jordan with partial pivoting), no allocation.</summary>
    static void Invert(double[,] a, int n, double[,] result, double[] scratch)
    {
        int cols = 2 * n;
        for (int i = 0; i < n; i++)
            for (int k = 0; k < cols; k++)
                scratch[i * cols + k] = k < n ? a[i, k] : (k - n == i ? 1 : 0);
        for (int p = 0; p < n; p++)
        {
            int pivot = p;
            for (int i = p + 1; i < n; i++)
                if (Math.Abs(scratch[i * cols + p]) > Math.Abs(scratch[pivot * cols + p])) pivot = i;
            if (pivot != p)
                for (int k = 0; k < cols; k++) (scratch[p * cols + k], scratch[pivot * cols + k]) = (scratch[pivot * cols + k], scratch[p * cols + k]);
            double diag = scratch[p * cols + p];
            for (int k = 0; k < cols; k++) scratch[p * cols + k] /= diag;
            for (int i = 0; i < n; i++)
            {
                if (i == p) continue;
                double f = scratch[i * cols + p];
                if (f == 0) continue;
                for (int k = 0; k < cols; k++) scratch[i * cols + k] -= f * scratch[p * cols + k];
            }
        }
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n; k++) result[i, k] = scratch[i * cols + n + k];
    }

    /// <summary>Solves the leading n×n block R·ρ = b (Gaussian elimination with partial pivoting), no allocation.</summary>
    static void SolveLinear(double[,] r, double[] b, int n, double[] result, double[] scratch)
    {
        int cols = n + 1;
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < n; k++) scratch[i * cols + k] = r[i, k];
            scratch[i * cols + n] = b[i];
        }
        for (int p = 0; p < n; p++)
        {
            int pivot = p;
            for (int i = p + 1; i < n; i++)
                if (Math.Abs(scratch[i * cols + p]) > Math.Abs(scratch[pivot * cols + p])) pivot = i;
            if (pivot != p)
                for (int k = 0; k < cols; k++) (scratch[p * cols + k], scratch[pivot * cols + k]) = (scratch[pivot * cols + k], scratch[p * cols + k]);
            double diag = scratch[p * cols + p];
            for (int i = p + 1; i < n; i++)
            {
                double f = scratch[i * cols + p] / diag;
                for (int k = p; k < cols; k++) scratch[i * cols + k] -= f * scratch[p * cols + k];
            }
        }
        for (int i = n - 1; i >= 0; i--)
        {
            double v = scratch[i * cols + n];
            for (int k = i + 1; k < n; k++) v -= scratch[i * cols + k] * result[k];
            result[i] = v / scratch[i * cols + i];
        }
    }
}
