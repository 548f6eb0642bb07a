using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using WebUI.Diffusion.Pipelines;

namespace WebUI.Diffusion.Imaging;

/// <summary>
/// The result of <see cref="Infotext.Parse"/>: A1111's dict in insertion order. <see cref="Values"/> keeps the Python
/// types A1111 produces (parsed values are strings; some defaults are ints or booleans, which matters for the
/// png-info JSON); <see cref="Parameters"/> is the same dict with every value as Python <c>str()</c> text.
/// </summary>
public sealed class InfotextParseResult
{
    readonly OrderedMap<object> _values;

    internal InfotextParseResult(OrderedMap<object> values)
    {
        _values = values;
        Parameters = new StringView(values);
    }

    public string Prompt => _values.TryGetValue("Prompt", out var v) ? PythonText.Str(v) : "";
    public string NegativePrompt => _values.TryGetValue("Negative prompt", out var v) ? PythonText.Str(v) : "";

    /// <summary>Every key, values as text ("Size-1" → "512", "Masked area padding" → "32", booleans "True"/"False").</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }

    /// <summary>Every key with its Python-typed value: <see cref="string"/>, <see cref="long"/> or <see cref="bool"/>.</summary>
    public IReadOnlyList<KeyValuePair<string, object>> Values => _values.ToList();

    /// <summary>
    /// Fills the request fields this text describes, as pasting it into A1111's txt2img/img2img UI does:
    /// prompts, Steps, Sampler (legacy combined names kept verbatim for the sampler catalog), Schedule type,
    /// CFG scale, Seed, Size, Denoising strength, Variation seed / strength, Seed resize from, RNG, Eta and sigma
    /// options, Model, Clip skip, Emphasis, Pad conds. Seed extras and sampler options absent from the text are reset (absence means "off" /
    /// "setting default" in A1111's infotext); other absent keys leave <paramref name="baseRequest"/> unchanged.
    /// </summary>
    /// <exception cref="FormatException">A numeric key holds something that is not a number (names the key).</exception>
    public GenerationRequest ApplyTo(GenerationRequest baseRequest)
    {
        ArgumentNullException.ThrowIfNull(baseRequest);
        var r = baseRequest with { Prompt = Prompt, NegativePrompt = NegativePrompt };
        var p = Parameters;

        if (p.TryGetValue("Steps", out var steps)) r = r with { Steps = Int(steps, "Steps") };
        if (p.TryGetValue("Sampler", out var sampler)) r = r with { Sampler = sampler };
        if (p.TryGetValue("Schedule type", out var schedule)) r = r with { Scheduler = schedule };
        if (p.TryGetValue("CFG scale", out var cfg)) r = r with { CfgScale = Float(cfg, "CFG scale") };
        if (p.TryGetValue("Seed", out var seed)) r = r with { Seed = Long(seed, "Seed") };
        if (p.TryGetValue("Size-1", out var w)) r = r with { Width = Int(w, "Size-1") };
        if (p.TryGetValue("Size-2", out var h)) r = r with { Height = Int(h, "Size-2") };
        if (p.TryGetValue("Denoising strength", out var ds)) r = r with { DenoisingStrength = Float(ds, "Denoising strength") };
        if (p.TryGetValue("Model", out var model) && model.Length > 0) r = r with { Model = model };
        if (p.TryGetValue("RNG", out var rng)) r = r with { RngSource = rng };
        // Settings A1111 applies as overrides when the text is pasted (the parser adds "Clip skip: 1" when absent).
        if (p.TryGetValue("Clip skip", out var clipSkip)) r = r with { ClipSkip = Int(clipSkip, "Clip skip") };
        if (p.TryGetValue("Emphasis", out var emphasis)) r = r with { Emphasis = emphasis };
        if (p.TryGetValue("Pad conds", out var pad)) r = r with { PadConds = pad == "True" };

        // A1111 turns the seed-extras checkbox on only when one of these keys is present; off = no variation/resize.
        if (p.TryGetValue("Variation seed", out var subseed))
        {
            r = r with { Subseed = Long(subseed, "Variation seed") };
            if (p.TryGetValue("Variation seed strength", out var ss)) r = r with { SubseedStrength = Float(ss, "Variation seed strength") };
        }
        else r = r with { SubseedStrength = 0 };
        if (p.TryGetValue("Seed resize from-1", out var rw) && p.TryGetValue("Seed resize from-2", out var rh))
            r = r with { SeedResizeFromWidth = Int(rw, "Seed resize from-1"), SeedResizeFromHeight = Int(rh, "Seed resize from-2") };
        else r = r with { SeedResizeFromWidth = 0, SeedResizeFromHeight = 0 };

        // Infotext omits sampler options equal to their defaults, so absence means "setting default" (null).
        double? eta = p.TryGetValue("Eta", out var e) ? Float(e, "Eta")
            : p.TryGetValue("Eta DDIM", out var ed) ? Float(ed, "Eta DDIM") : null;
        r = r with
        {
            Eta = eta,
            SChurn = OptionalFloat(p, "Sigma churn"),
            STmin = OptionalFloat(p, "Sigma tmin"),
            STmax = OptionalFloat(p, "Sigma tmax"),
            SNoise = OptionalFloat(p, "Sigma noise"),
        };
        return r;
    }

    static double? OptionalFloat(IReadOnlyDictionary<string, string> p, string key) =>
        p.TryGetValue(key, out var v) ? Float(v, key) : null;

    // A1111's UI parses numeric fields through float(); Python float() also accepts "inf", "nan" and surrounding spaces.
    static double Float(string text, string key)
    {
        string t = text.Trim(Infotext.PythonWhitespace).Replace("_", "");
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)) return v;
        switch (t.ToLowerInvariant())
        {
            case "inf" or "+inf" or "infinity" or "+infinity": return double.PositiveInfinity;
            case "-inf" or "-infinity": return double.NegativeInfinity;
        }
        throw new FormatException($"Infotext value for \"{key}\" is not a number: \"{text}\".");
    }

    static long Long(string text, string key)
    {
        string t = text.Trim(Infotext.PythonWhitespace);
        if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v)) return v;
        double d = Float(text, key);
        if (!double.IsFinite(d) || Math.Abs(d) >= 9.2e18) throw new FormatException($"Infotext value for \"{key}\" is out of range: \"{text}\".");
        return (long)d;
    }

    static int Int(string text, string key)
    {
        long v = Long(text, key);
        if (v is < int.MinValue or > int.MaxValue) throw new FormatException($"Infotext value for \"{key}\" is out of range: \"{text}\".");
        return (int)v;
    }

    sealed class StringView(OrderedMap<object> map) : IReadOnlyDictionary<string, string>
    {
        public string this[string key] => PythonText.Str(map[key]);
        public IEnumerable<string> Keys => map.Keys;
        public IEnumerable<string> Values => map.Values.Select(PythonText.Str);
        public int Count => map.Count;
        public bool ContainsKey(string key) => map.ContainsKey(key);

        public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
        {
            if (map.TryGetValue(key, out var v)) { value = PythonText.Str(v); return true; }
            value = null;
            return false;
        }

        public IEnumerator<KeyValuePair<string, string>> GetEnumerator() =>
            map.Select(kv => new KeyValuePair<string, string>(kv.Key, PythonText.Str(kv.Value))).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
