using System.Globalization;
using WebUI.Diffusion.Pipelines;
using WebUI.Diffusion.Sampling;
using WebUI.Storage;

namespace WebUI.Settings;

/// <summary>
/// A1111's Settings → "Sampler parameters" (and the seed's random number source). They live in the options store
/// (<see cref="IOptionsStore"/>, A1111's config.json keys), not in settings.json: the Settings tab and
/// <c>/sdapi/v1/options</c> read and write the same stored value, so whichever saved last wins everywhere.
/// </summary>
public sealed record SamplerParameters
{
    public const string RandnSourceKey = "randn_source", EtaAncestralKey = "eta_ancestral", EtaDdimKey = "eta_ddim",
        SChurnKey = "s_churn", STminKey = "s_tmin", STmaxKey = "s_tmax", SNoiseKey = "s_noise";

    /// <summary>A1111's randn_source choices: GPU (torch on the device), CPU (torch CPU generator), NV (Philox as on NVIDIA).</summary>
    public static IReadOnlyList<string> RngSources { get; } = ["GPU", "CPU", "NV"];

    public string RngSource { get; init; } = "GPU";
    public double EtaAncestral { get; init; } = 1;
    public double EtaDdim { get; init; }
    public double SChurn { get; init; }
    public double STmin { get; init; }
    public double STmax { get; init; }
    public double SNoise { get; init; } = 1;

    /// <summary>The stored values; the defaults when there is no options store (a host without the API).</summary>
    public static SamplerParameters From(IOptionsStore? store)
    {
        if (store is null) return new SamplerParameters();
        double Number(string key, double fallback) =>
            store.IsKnown(key) && store.Get(key) is { } v ? Convert.ToDouble(v, CultureInfo.InvariantCulture) : fallback;
        return new SamplerParameters
        {
            RngSource = store.IsKnown(RandnSourceKey) && store.Get(RandnSourceKey) is string s && s.Length > 0 ? s : "GPU",
            EtaAncestral = Number(EtaAncestralKey, 1),
            EtaDdim = Number(EtaDdimKey, 0),
            SChurn = Number(SChurnKey, 0),
            STmin = Number(STminKey, 0),
            STmax = Number(STmaxKey, 0),
            SNoise = Number(SNoiseKey, 1),
        };
    }

    /// <summary>Stores every value at once; ArgumentException naming the key when one is out of range (nothing stored).</summary>
    public void SaveTo(IOptionsStore store) => store.Set(ToOptions());

    /// <summary>The option values, keyed as A1111's config.json (for one <see cref="IOptionsStore.Set"/> with other sections).</summary>
    public IReadOnlyDictionary<string, object?> ToOptions() => new Dictionary<string, object?>
    {
        [RandnSourceKey] = RngSource,
        [EtaAncestralKey] = EtaAncestral,
        [EtaDdimKey] = EtaDdim,
        [SChurnKey] = SChurn,
        [STminKey] = STmin,
        [STmaxKey] = STmax,
        [SNoiseKey] = SNoise,
    };

    /// <summary>
    /// The request with these parameters, as A1111 applies opts to a UI job: the RNG source always; eta from the sampler
    /// family's setting (eta_ddim for DDIM-style timestep samplers, eta_ancestral otherwise) when the sampler uses eta;
    /// sigma churn/tmin/tmax/noise when they differ from the defaults (so infotext names only what was changed).
    /// Values the request already carries win.
    /// </summary>
    public GenerationRequest ApplyTo(GenerationRequest request)
    {
        double? eta = null;
        if (SamplerCatalog.Names.Contains(request.Sampler))
        {
            var sampler = SamplerCatalog.FindSampler(request.Sampler);
            double value = sampler.Kind == SamplerKind.Timestep ? EtaDdim : EtaAncestral;
            if (sampler.HasEta && value != sampler.DefaultEta) eta = value;
        }
        return request with
        {
            RngSource = RngSource,
            Eta = request.Eta ?? eta,
            SChurn = request.SChurn ?? NonDefault(SChurn, 0),
            STmin = request.STmin ?? NonDefault(STmin, 0),
            STmax = request.STmax ?? NonDefault(STmax, 0),
            SNoise = request.SNoise ?? NonDefault(SNoise, 1),
        };
    }

    static double? NonDefault(double value, double defaultValue) => value == defaultValue ? null : value;
}
