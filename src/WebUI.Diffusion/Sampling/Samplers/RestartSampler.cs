using WebUI.Diffusion.Sampling.Schedules;

namespace WebUI.Diffusion.Sampling.Samplers;

/// <summary>
/// A1111's <c>restart_sampler</c> (Xu et al. 2023, "Restart Sampling for Improving Generative Processes"): Heun steps
/// down the schedule, and at σ ≈ 0.1 it jumps back up to σ ≈ 2 with fresh noise and re-descends. With ≥ 20 steps the
/// schedule is rebuilt as Karras between the list's σ_min (last non-zero) and σ_max: 9 restart steps once
/// (20–35 steps) or ⌊steps/4⌋ restart steps twice (≥ 36), keeping the total step count; below 20 steps it is plain
/// Heun. A1111 passes no s_noise to it (always 1). Each Heun step costs 2 calls, the last (to 0) one.
/// </summary>
sealed class RestartSampler : ISampler
{
    public string Name => "Restart";

    /// <summary>The (σ_from, σ_to) pairs A1111 walks for this σ list (exposed for tests).</summary>
    internal static List<(double From, double To)> StepList(double[] sigmas)
    {
        int steps = sigmas.Length - 1;
        double[] main = sigmas;
        int restartSteps = 0, restartTimes = 0;
        if (steps >= 20)
        {
            restartSteps = 9;
            restartTimes = 1;
            if (steps >= 36) { restartSteps = steps / 4; restartTimes = 2; }
            main = SigmaSchedules.Karras(steps - restartSteps * restartTimes, sigmas[^2], sigmas[0]);
        }
        var list = new List<(double, double)>();
        int restartAt = restartTimes > 0 ? Nearest(main, 0.1) : -1;
        for (int i = 0; i < main.Length - 1; i++)
        {
            list.Add((main[i], main[i + 1]));
            if (i + 1 != restartAt) continue;
            int minIdx = i + 1, maxIdx = Nearest(main, 2.0);
            if (maxIdx >= minIdx) continue;
            // karras(restart_steps + 1, σ[min], σ[max]) without its final 0: restart_steps + 1 values, restart_steps moves
            var seg = SigmaSchedules.Karras(restartSteps + 1, main[minIdx], main[maxIdx]);
            for (int r = 0; r < restartTimes; r++)
                for (int k = 0; k < restartSteps; k++) list.Add((seg[k], seg[k + 1]));
        }
        return list;
    }

    static int Nearest(double[] sigmas, double value)
    {
        int best = 0;
        for (int k = 1; k < sigmas.Length; k++)
            if (Math.Abs(sigmas[k] - value) < Math.Abs(sigmas[best] - value)) best = k;
        return best;
    }

    public void Sample(float[] x, SamplingContext c)
    {
        if (c.Sigmas.Length < 2) return;
        var steps = StepList(c.Sigmas);
        var den = new float[x.Length];
        var d = new float[x.Length];
        var x2 = new float[x.Length];
        var den2 = new float[x.Length];
        var noise = new float[x.Length];
        double? last = null;
        for (int i = 0; i < steps.Count; i++)
        {
            c.CancellationToken.ThrowIfCancellationRequested();
            var (from, to) = steps[i];
            if (last is double l && l < from) SamplerMath.AddNoise(c, x, noise, Math.Sqrt(from * from - l * l));
            c.Model.Denoise(x, from, den);
            for (int j = 0; j < x.Length; j++) d[j] = (float)((x[j] - den[j]) / from);
            double dt = to - from;
            if (to == 0)
            {
                SamplerMath.AddScaled(x, d, dt);
            }
            else
            {
                for (int j = 0; j < x.Length; j++) x2[j] = (float)(x[j] + d[j] * dt);
                c.CancellationToken.ThrowIfCancellationRequested();
                c.Model.Denoise(x2, to, den2);
                for (int j = 0; j < x.Length; j++)
                    x[j] += (float)((d[j] + (x2[j] - den2[j]) / to) / 2 * dt);
            }
            last = to;
            SamplerMath.Report(c, i, steps.Count, from, x, den);
        }
    }
}
