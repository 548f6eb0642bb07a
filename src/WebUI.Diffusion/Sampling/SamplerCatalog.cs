using WebUI.Diffusion.Sampling.Samplers;
using WebUI.Diffusion.Sampling.Schedules;

namespace WebUI.Diffusion.Sampling;

/// <summary>
/// The samplers and schedulers under A1111's names (UI order, a1111-reference §5), and the resolution A1111 ≥ 1.9
/// applies to user input: aliases, old combined names such as "DPM++ 2M Karras" (split into sampler + scheduler,
/// the scheduler reported as "Automatic" when it is the sampler's default), and "Automatic" scheduling.
/// </summary>
public static partial class SamplerCatalog
{
    public static IReadOnlyList<SamplerInfo> Samplers { get; } = BuildSamplers();
    public static IReadOnlyList<SchedulerInfo> Schedulers { get; } = BuildSchedulers();

    public static IReadOnlyList<string> Names { get; } = Samplers.Select(s => s.Name).ToArray();
    public static IReadOnlyList<string> SchedulerLabels { get; } = Schedulers.Select(s => s.Label).ToArray();

    /// <summary>The UI default (first in the list).</summary>
    public static string DefaultSampler => Samplers[0].Name;

    /// <summary>
    /// A1111's <c>get_sampler_and_scheduler</c>: canonical sampler name and scheduler label for user input.
    /// Empty sampler → the default sampler; empty scheduler → "Automatic".
    /// Throws <see cref="KeyNotFoundException"/> ("Sampler not found: X" / "Scheduler not found: X").
    /// </summary>
    public static (string Sampler, string Scheduler) Resolve(string? sampler, string? scheduler)
    {
        var (info, sched) = ResolveInfo(sampler, scheduler);
        return (info.Name, sched.Label);
    }

    public static SamplerInfo FindSampler(string nameOrAlias) =>
        TryFindSampler(nameOrAlias.Trim(), out var info, out _) ? info : throw new KeyNotFoundException($"Sampler not found: {nameOrAlias}");

    public static SchedulerInfo FindScheduler(string nameOrLabel) =>
        TryFindScheduler(nameOrLabel.Trim()) ?? throw new KeyNotFoundException($"Scheduler not found: {nameOrLabel}");

    /// <summary>
    /// Resolves names like <see cref="Resolve"/> and builds the σ list A1111 would use for <paramref name="steps"/> steps
    /// (txt2img; img2img takes the tail σ[steps − t_enc − 1..] of it).
    /// </summary>
    public static SamplingPlan Plan(string sampler, string scheduler, int steps, NoiseSchedule schedule, SamplerOptions? options = null)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), "Steps must be at least 1.");
        ArgumentNullException.ThrowIfNull(schedule);
        options ??= new SamplerOptions();
        Validate(options);
        var (info, found) = ResolveInfo(sampler, scheduler);
        var extra = new List<KeyValuePair<string, object?>>();
        string label;
        double[] sigmas;
        double initialScale;

        bool discard = info.DiscardNextToLastSigma || options.AlwaysDiscardNextToLastSigma;
        if (discard && !info.DiscardNextToLastSigma) extra.Add(new("Discard penultimate sigma", true));
        int n = steps + (discard ? 1 : 0);

        if (info.Kind == SamplerKind.Timestep)
        {
            label = found.Label;
            sigmas = info.Name == "UniPC"
                ? TimestepGrids.UniPcSigmas(TimestepGrids.Timesteps(n, schedule.Length).Length, schedule, options.UniPcSkipType)
                : TimestepGrids.DdimSigmas(n, schedule);
            initialScale = Math.Sqrt(1 + sigmas[0] * sigmas[0]);
        }
        else
        {
            var model = info.Kind == SamplerKind.Lcm ? ModelSigmas.LcmOf(schedule) : ModelSigmas.Of(schedule);
            string? effective = found.Name == "automatic" ? info.DefaultScheduler : found.Name;
            if (effective is null)
            {
                label = "Automatic";
                sigmas = model.GetSigmas(n);
            }
            else
            {
                var sch = Schedulers.First(s => s.Name == effective);
                label = sch.Label;
                sigmas = ComputeSigmas(sch, n, model, options, extra);
            }
            if (discard && sigmas.Length >= 2) sigmas = [.. sigmas[..^2], sigmas[^1]];
            initialScale = sigmas[0];
        }

        // A1111 computes the σ list first, then initialize() adds the sampler parameters that differ from the defaults.
        if (info.HasEta && options.Eta is double eta && eta != info.DefaultEta)
            extra.Add(new(info.Kind == SamplerKind.Timestep ? "Eta DDIM" : "Eta", eta));
        if (info.TakesChurn)
        {
            if (options.SChurn != 0) extra.Add(new("Sigma churn", options.SChurn));
            if (options.STmin != 0) extra.Add(new("Sigma tmin", options.STmin));
            if (options.STmax is not (0 or double.PositiveInfinity)) extra.Add(new("Sigma tmax", options.STmax));
        }
        if (info.TakesSNoise && options.SNoise != 1) extra.Add(new("Sigma noise", options.SNoise));

        return new SamplingPlan(info.Create(options), sigmas, info.Name, label)
        {
            Info = info,
            InitialNoiseScale = initialScale,
            ExtraGenerationParams = extra,
        };
    }

    static void Validate(SamplerOptions o)
    {
        if (o.Eta is double eta && !(eta >= 0)) throw new ArgumentOutOfRangeException(nameof(o), $"Eta must be 0 or more (got {eta}).");
        if (!(o.SChurn >= 0)) throw new ArgumentOutOfRangeException(nameof(o), $"Sigma churn must be 0 or more (got {o.SChurn}).");
        if (!(o.SNoise >= 0)) throw new ArgumentOutOfRangeException(nameof(o), $"Sigma noise must be 0 or more (got {o.SNoise}).");
        if (double.IsNaN(o.STmin) || double.IsNaN(o.STmax)) throw new ArgumentOutOfRangeException(nameof(o), "Sigma tmin/tmax must be numbers.");
        if (o.Rho is double r && !(r >= 0)) throw new ArgumentOutOfRangeException(nameof(o), $"Schedule rho must be 0 (default) or more (got {r}).");
        if (!(o.BetaAlpha > 0) || !(o.BetaBeta > 0)) throw new ArgumentOutOfRangeException(nameof(o), "Beta schedule alpha and beta must be greater than 0.");
    }

    static double[] ComputeSigmas(SchedulerInfo sch, int n, ModelSigmas model, SamplerOptions o, List<KeyValuePair<string, object?>> extra)
    {
        double min = model.SigmaMin, max = model.SigmaMax;
        if (o.UseOldKarrasSchedulerSigmas) (min, max) = (0.1, 10);
        if (o.SigmaMin is double smin && smin != 0 && smin != model.SigmaMin)
        {
            if (!(smin > 0)) throw new ArgumentOutOfRangeException(nameof(o), "Schedule min sigma must be greater than 0.");
            min = smin;
            extra.Add(new("Schedule min sigma", smin));
        }
        if (o.SigmaMax is double smax && smax != 0 && smax != model.SigmaMax)
        {
            if (!(smax > 0)) throw new ArgumentOutOfRangeException(nameof(o), "Schedule max sigma must be greater than 0.");
            max = smax;
            extra.Add(new("Schedule max sigma", smax));
        }
        double rho = sch.DefaultRho;
        if (sch.DefaultRho != -1 && o.Rho is double r && r != 0 && r != sch.DefaultRho)
        {
            rho = r;
            extra.Add(new("Schedule rho", r));
        }
        if (sch.Name == "beta")
        {
            extra.Add(new("Beta schedule alpha", o.BetaAlpha));
            extra.Add(new("Beta schedule beta", o.BetaBeta));
        }
        return sch.Name switch
        {
            "uniform" => SigmaSchedules.Uniform(n, model),
            "karras" => SigmaSchedules.Karras(n, min, max, rho),
            "exponential" => SigmaSchedules.Exponential(n, min, max),
            "polyexponential" => SigmaSchedules.Polyexponential(n, min, max, rho),
            "sgm_uniform" => SigmaSchedules.SgmUniform(n, min, max, model),
            "kl_optimal" => SigmaSchedules.KlOptimal(n, min, max),
            "align_your_steps" => SigmaSchedules.AlignYourSteps(n, o.IsSdxl),
            "simple" => SigmaSchedules.Simple(n, model),
            "normal" => SigmaSchedules.Normal(n, min, max, model),
            "ddim" => SigmaSchedules.Ddim(n, model),
            "beta" => SigmaSchedules.Beta(n, min, max, o.BetaAlpha, o.BetaBeta),
            _ => throw new KeyNotFoundException($"Scheduler not found: {sch.Label}"),
        };
    }

    static (SamplerInfo Info, SchedulerInfo Scheduler) ResolveInfo(string? sampler, string? scheduler)
    {
        var found = string.IsNullOrWhiteSpace(scheduler) ? Schedulers[0] : FindScheduler(scheduler);
        string name = string.IsNullOrWhiteSpace(sampler) ? DefaultSampler : sampler.Trim();

        // "DPM++ 2M Karras" → ("DPM++ 2M", Karras): strip any trailing " <label|name|alias>" like A1111.
        foreach (var s in Schedulers)
        {
            foreach (var option in s.Aliases.Prepend(s.Name).Prepend(s.Label))
            {
                if (name.Length > option.Length + 1 && name.EndsWith(" " + option, StringComparison.OrdinalIgnoreCase))
                {
                    found = s;
                    name = name[..^(option.Length + 1)].TrimEnd();
                    break;
                }
            }
        }

        if (!TryFindSampler(name, out var info, out var legacyScheduler))
            throw new KeyNotFoundException($"Sampler not found: {sampler}");
        if (legacyScheduler is not null) found = Schedulers.First(s => s.Name == legacyScheduler);
        // revert to Automatic when it is the sampler's default anyway
        if (info.DefaultScheduler == found.Name) found = Schedulers[0];
        return (info, found);
    }

    static bool TryFindSampler(string name, out SamplerInfo info, out string? legacyScheduler)
    {
        legacyScheduler = null;
        foreach (var s in Samplers)
        {
            if (s.Name.Equals(name, StringComparison.OrdinalIgnoreCase) || s.Aliases.Any(a => a.Equals(name, StringComparison.OrdinalIgnoreCase)))
            {
                info = s;
                return true;
            }
        }
        if (LegacyAliases.TryGetValue(name, out var legacy))
        {
            info = Samplers.First(s => s.Name == legacy.Sampler);
            legacyScheduler = legacy.Scheduler;
            return true;
        }
        info = null!;
        return false;
    }

    static SchedulerInfo? TryFindScheduler(string name) =>
        Schedulers.FirstOrDefault(s => s.Label.Equals(name, StringComparison.OrdinalIgnoreCase)
            || s.Name.Equals(name, StringComparison.OrdinalIgnoreCase)
            || s.Aliases.Any(a => a.Equals(name, StringComparison.OrdinalIgnoreCase)));
}
