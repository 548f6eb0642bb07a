using System.Text.Json;
using WebUI.Diffusion.Sampling;

namespace WebUI.Diffusion.Models;

/// <summary>What the UNet predicts: the noise ε (SD 1.x, SD 2.x base) or v (SD 2.x 768-px models).</summary>
public enum PredictionType { Epsilon, VPrediction }

/// <summary>
/// The parts of diffusers' <c>scheduler/scheduler_config.json</c> that define the model (not the sampler):
/// prediction type and the training noise schedule. Sampler-specific keys (timestep_spacing, steps_offset, ...)
/// are ignored because the k-diffusion samplers work from the σ table alone, as A1111's do.
/// </summary>
public sealed record SchedulerConfig
{
    public PredictionType PredictionType { get; init; } = PredictionType.Epsilon;
    public double BetaStart { get; init; } = 0.00085;
    public double BetaEnd { get; init; } = 0.012;
    /// <summary>"scaled_linear" (SD), "linear" or "squaredcos_cap_v2".</summary>
    public string BetaSchedule { get; init; } = "scaled_linear";
    public int NumTrainTimesteps { get; init; } = NoiseSchedule.TrainingSteps;
    public double[]? TrainedBetas { get; init; }
    public bool RescaleBetasZeroSnr { get; init; }

    public static SchedulerConfig Default { get; } = new();

    /// <summary>Reads the config; a missing file means SD's defaults (ε, scaled_linear 0.00085..0.012, 1000 steps).</summary>
    public static SchedulerConfig Load(string path, string label)
    {
        if (!File.Exists(path)) return Default;
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            root = doc.RootElement.Clone();
        }
        catch (JsonException e) { throw new ModelFolderException(label, $"not valid JSON ({e.Message})", e); }
        if (root.ValueKind != JsonValueKind.Object) throw new ModelFolderException(label, "expected a JSON object");

        var c = Default;
        if (root.TryGetProperty("prediction_type", out var p) && p.ValueKind == JsonValueKind.String)
        {
            c = c with
            {
                PredictionType = p.GetString() switch
                {
                    "epsilon" => PredictionType.Epsilon,
                    "v_prediction" => PredictionType.VPrediction,
                    var other => throw new ModelFolderException(label, $"prediction_type '{other}' is not supported (expected epsilon or v_prediction)"),
                },
            };
        }
        c = c with
        {
            BetaStart = Number(root, "beta_start", label) ?? c.BetaStart,
            BetaEnd = Number(root, "beta_end", label) ?? c.BetaEnd,
            NumTrainTimesteps = (int)(Number(root, "num_train_timesteps", label) ?? c.NumTrainTimesteps),
            RescaleBetasZeroSnr = root.TryGetProperty("rescale_betas_zero_snr", out var z) && z.ValueKind == JsonValueKind.True,
        };
        if (root.TryGetProperty("beta_schedule", out var bs) && bs.ValueKind == JsonValueKind.String)
            c = c with { BetaSchedule = bs.GetString()! };
        if (root.TryGetProperty("trained_betas", out var tb) && tb.ValueKind == JsonValueKind.Array && tb.GetArrayLength() > 0)
            c = c with { TrainedBetas = tb.EnumerateArray().Select(e => e.GetDouble()).ToArray() };

        if (c.NumTrainTimesteps < 2) throw new ModelFolderException(label, $"num_train_timesteps {c.NumTrainTimesteps} is too small");
        if (!(c.BetaStart > 0 && c.BetaEnd > c.BetaStart && c.BetaEnd < 1))
            throw new ModelFolderException(label, $"beta_start {c.BetaStart} / beta_end {c.BetaEnd} do not form a valid schedule");
        if (c.TrainedBetas is null && c.BetaSchedule is not ("scaled_linear" or "linear" or "squaredcos_cap_v2"))
            throw new ModelFolderException(label, $"beta_schedule '{c.BetaSchedule}' is not supported (expected scaled_linear, linear or squaredcos_cap_v2)");
        return c;
    }

    static double? Number(JsonElement root, string name, string label)
    {
        if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Number) throw new ModelFolderException(label, $"'{name}' must be a number");
        return v.GetDouble();
    }

    /// <summary>The σ table the samplers use, built in float64 from this config.</summary>
    public NoiseSchedule BuildSchedule()
    {
        if (TrainedBetas is null && !RescaleBetasZeroSnr && BetaSchedule == "scaled_linear")
            return NoiseSchedule.ScaledLinear(BetaStart, BetaEnd, NumTrainTimesteps);
        if (TrainedBetas is null && !RescaleBetasZeroSnr && BetaSchedule == "linear")
            return NoiseSchedule.Linear(BetaStart, BetaEnd, NumTrainTimesteps);

        double[] betas = TrainedBetas ?? Betas();
        var ac = new double[betas.Length];
        double prod = 1;
        for (int i = 0; i < betas.Length; i++) { prod *= 1 - betas[i]; ac[i] = prod; }
        if (RescaleBetasZeroSnr) RescaleZeroTerminalSnr(ac);
        return new NoiseSchedule(ac);
    }

    double[] Betas()
    {
        int n = NumTrainTimesteps;
        var b = new double[n];
        switch (BetaSchedule)
        {
            case "linear":
                for (int i = 0; i < n; i++) b[i] = BetaStart + (BetaEnd - BetaStart) * i / (n - 1);
                break;
            case "scaled_linear":
                double s0 = Math.Sqrt(BetaStart), s1 = Math.Sqrt(BetaEnd);
                for (int i = 0; i < n; i++) { double s = s0 + (s1 - s0) * i / (n - 1); b[i] = s * s; }
                break;
            default: // squaredcos_cap_v2: the cosine ᾱ of Nichol & Dhariwal, betas capped at 0.999 (diffusers betas_for_alpha_bar)
                static double AlphaBar(double t) { double c = Math.Cos((t + 0.008) / 1.008 * Math.PI / 2); return c * c; }
                for (int i = 0; i < n; i++) b[i] = Math.Min(1 - AlphaBar((i + 1.0) / n) / AlphaBar((double)i / n), 0.999);
                break;
        }
        return b;
    }

    /// <summary>
    /// Zero-terminal-SNR rescale (Lin et al. 2023): shift √ᾱ so the last is 0 and keep the first; the last ᾱ is then
    /// set to 2⁻²⁴ as diffusers' Euler does, so σ_max stays finite (diffusion-reference §1.1).
    /// </summary>
    static void RescaleZeroTerminalSnr(double[] ac)
    {
        int n = ac.Length;
        var s = ac.Select(Math.Sqrt).ToArray();
        double first = s[0], last = s[^1];
        for (int i = 0; i < n; i++) s[i] = (s[i] - last) * first / (first - last);
        for (int i = 0; i < n; i++) ac[i] = s[i] * s[i];
        ac[^1] = Math.Pow(2, -24);
    }
}
