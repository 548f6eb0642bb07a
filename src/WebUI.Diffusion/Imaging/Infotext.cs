using System.Text;
using WebUI.Diffusion.Pipelines;

namespace WebUI.Diffusion.Imaging;

/// <summary>
/// A1111's "parameters" text (infotext): <see cref="Create"/> mirrors <c>processing.create_infotext</c>,
/// <see cref="Parse"/> mirrors <c>infotext_utils.parse_generation_parameters</c> (v1.10.1, no styles defined).
/// </summary>
public static partial class Infotext
{
    // Samplers whose function takes eta (k-diffusion: default opts.eta_ancestral 1.0, key "Eta").
    static readonly HashSet<string> EtaAncestralSamplers =
        ["Euler a", "DPM2 a", "DPM++ 2S a", "DPM++ SDE", "DPM++ 2M SDE", "DPM++ 2M SDE Heun", "DPM++ 3M SDE", "DPM fast", "DPM adaptive"];
    // Timestep samplers with eta (default opts.eta_ddim 0.0, key "Eta DDIM").
    static readonly HashSet<string> EtaDdimSamplers = ["DDIM", "DDIM CFG++"];
    // A1111's sampler_extra_params: s_churn/s_tmin/s_tmax/s_noise vs s_noise only.
    static readonly HashSet<string> ChurnSamplers = ["Euler", "Heun", "DPM2"];
    static readonly HashSet<string> SNoiseSamplers =
        ["DPM fast", "DPM2 a", "DPM++ 2S a", "DPM++ SDE", "DPM++ 2M SDE", "DPM++ 2M SDE Heun", "DPM++ 3M SDE"];

    /// <summary>
    /// The infotext A1111 writes for one image of <paramref name="request"/>: prompt, optional "Negative prompt:" line,
    /// then the parameter line in create_infotext's key order, values through quote() and Python str().
    /// </summary>
    public static string Create(GenerationRequest request, InfotextFacts facts)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(facts);
        bool ui = facts.NumberStyle == InfotextNumberStyle.Ui;
        object Num(double v) => ui && IsWhole(v) ? (object)(long)v : v;
        static string? NonEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
        bool variation = request.SubseedStrength != 0;
        string rng = facts.RngSource ?? request.RngSource;
        string? sampler = NonEmpty(facts.SamplerName) ?? NonEmpty(request.Sampler);

        // Every key of create_infotext's dict literal, in order, including those this engine never fills: an Extra
        // entry with one of these names must land in that slot (Python dict update keeps the first position).
        var p = new OrderedMap<object?>
        {
            ["Steps"] = request.Steps,
            ["Sampler"] = sampler,
            ["Schedule type"] = NonEmpty(facts.ScheduleLabel),
            ["CFG scale"] = Num(request.CfgScale),
            ["Image CFG scale"] = null,
            ["Seed"] = facts.Seed,
            ["Face restoration"] = null,
            ["Size"] = $"{request.Width}x{request.Height}",
            ["Model hash"] = NonEmpty(facts.ModelHash),
            ["Model"] = NonEmpty(facts.ModelName),
            ["FP8 weight"] = null,
            ["Cache FP16 weight for LoRA"] = null,
            ["VAE hash"] = null,
            ["VAE"] = null,
            ["Variation seed"] = variation ? facts.Subseed : null,
            ["Variation seed strength"] = variation ? Num(request.SubseedStrength) : null,
            ["Seed resize from"] = request.SeedResizeFromWidth > 0 && request.SeedResizeFromHeight > 0
                ? $"{request.SeedResizeFromWidth}x{request.SeedResizeFromHeight}" : null,
            ["Denoising strength"] = request.IsImg2Img ? Num(request.DenoisingStrength) : null,
            ["Conditional mask weight"] = null,
            ["Clip skip"] = request.ClipSkip > 1 ? request.ClipSkip : null,
            ["ENSD"] = null,
            ["Token merging ratio"] = null,
            ["Token merging ratio hr"] = null,
            ["Init image hash"] = null,
            ["RNG"] = string.Equals(rng, "GPU", StringComparison.Ordinal) || string.IsNullOrEmpty(rng) ? null : rng,
            ["Tiling"] = null,
        };

        var extraKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in facts.Extra ?? [])
        {
            p[key] = value is double d ? Num(d) : value is float f ? Num(f) : value;
            extraKeys.Add(key);
        }
        // The sampler adds these to extra_generation_params when it starts, i.e. after the extras set up earlier.
        foreach (var (key, value) in SamplerParameters(request, sampler ?? ""))
            if (!extraKeys.Contains(key)) p[key] = Num(value);

        p["Version"] = NonEmpty(facts.Version);
        p["User"] = null;

        var line = new StringBuilder();
        foreach (var (key, value) in p)
        {
            if (value is null) continue;
            if (line.Length > 0) line.Append(", ");
            if (value is string s && s == key) line.Append(key);
            else line.Append(key).Append(": ").Append(Quote(value));
        }

        string negative = request.NegativePrompt ?? "";
        string negativeText = negative.Length > 0 ? "\nNegative prompt: " + negative : "";
        return $"{request.Prompt}{negativeText}\n{line}".Trim(PythonWhitespace);
    }

    /// <summary>
    /// A1111's <c>quote()</c>: the value's text as-is unless it contains ',', ':' or a newline, in which case it is
    /// JSON-encoded (ensure_ascii=False).
    /// </summary>
    public static string Quote(object? value)
    {
        string s = PythonText.Str(value);
        if (s.IndexOfAny([',', '\n', ':']) < 0) return s;
        return PythonText.JsonString(s);
    }

    static IEnumerable<KeyValuePair<string, double>> SamplerParameters(GenerationRequest r, string sampler)
    {
        if (r.Eta is double eta)
        {
            if (EtaAncestralSamplers.Contains(sampler) && eta != 1.0) yield return new("Eta", eta);
            else if (EtaDdimSamplers.Contains(sampler) && eta != 0.0) yield return new("Eta DDIM", eta);
        }
        bool churn = ChurnSamplers.Contains(sampler);
        if (churn && r.SChurn is double sc && sc != 0) yield return new("Sigma churn", sc);
        if (churn && r.STmin is double tmin && tmin != 0) yield return new("Sigma tmin", tmin);
        // s_tmax 0 means infinity (A1111: `s_tmax or inf`), the default.
        if (churn && r.STmax is double tmax && tmax != 0 && !double.IsPositiveInfinity(tmax)) yield return new("Sigma tmax", tmax);
        if ((churn || SNoiseSamplers.Contains(sampler)) && r.SNoise is double sn && sn != 1.0) yield return new("Sigma noise", sn);
    }

    static bool IsWhole(double v) => double.IsFinite(v) && Math.Abs(v) < 9.007199254740992e15 && v == Math.Floor(v);

    /// <summary>
    /// Python's str.isspace() set, used by strip(): .NET's char.IsWhiteSpace set plus the ASCII separators
    /// U+001C..U+001F, which Python also strips.
    /// </summary>
    internal static readonly char[] PythonWhitespace =
    [
        '\t', '\n', '\v', '\f', '\r', '\x1c', '\x1d', '\x1e', '\x1f', ' ', '\x85', '\xa0', '\u1680',
        '\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005', '\u2006', '\u2007', '\u2008', '\u2009', '\u200a',
        '\u2028', '\u2029', '\u202f', '\u205f', '\u3000',
    ];
}
