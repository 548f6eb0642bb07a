using System.Globalization;
using System.Text.Json;
using WebUI.Api.Models;
using WebUI.Diffusion.Imaging;
using WebUI.Storage;

namespace WebUI.Api;

/// <summary>
/// A1111's <c>infotext</c> request field (Api.apply_infotext): the text is parsed like pasted infotext; every field it
/// describes that the request body did not set is filled from it, and its settings keys (RNG, Clip skip, Eta, ...)
/// become override_settings unless the request overrides them already or they equal the current setting.
/// </summary>
public static class InfotextFill
{
    // infotext key → request field (the txt2img/img2img paste fields that exist in the API).
    static readonly (string Key, string Field)[] Fields =
    [
        ("Prompt", "prompt"), ("Negative prompt", "negative_prompt"), ("Steps", "steps"), ("Sampler", "sampler_name"),
        ("Schedule type", "scheduler"), ("CFG scale", "cfg_scale"), ("Seed", "seed"), ("Size-1", "width"), ("Size-2", "height"),
        ("Variation seed", "subseed"), ("Variation seed strength", "subseed_strength"),
        // A1111's paste table maps these two crosswise (its own quirk; kept so the same text gives the same job).
        ("Seed resize from-1", "seed_resize_from_h"), ("Seed resize from-2", "seed_resize_from_w"),
        ("Denoising strength", "denoising_strength"),
        // txt2img hires fix (txt2img_paste_fields with api names)
        ("Hires upscale", "hr_scale"), ("Hires upscaler", "hr_upscaler"), ("Hires steps", "hr_second_pass_steps"),
        ("Hires resize-1", "hr_resize_x"), ("Hires resize-2", "hr_resize_y"), ("Hires sampler", "hr_sampler_name"),
        ("Hires schedule type", "hr_scheduler"), ("Hires prompt", "hr_prompt"), ("Hires negative prompt", "hr_negative_prompt"),
        // img2img
        ("Mask blur", "mask_blur"),
    ];

    // infotext key → setting key (infotext_utils.infotext_to_setting_name_mapping, the settings this server has).
    static readonly (string Key, string Setting)[] Settings =
    [
        ("Clip skip", "CLIP_stop_at_last_layers"), ("RNG", "randn_source"), ("VAE", "sd_vae"), ("Eta", "eta_ancestral"),
        ("Eta DDIM", "eta_ddim"), ("Sigma churn", "s_churn"), ("Sigma tmin", "s_tmin"), ("Sigma tmax", "s_tmax"), ("Sigma noise", "s_noise"),
        ("Emphasis", "emphasis"), ("Pad conds", "pad_cond_uncond"),
    ];

    public static void Apply(ProcessingApiRequest request, IOptionsStore options)
    {
        if (string.IsNullOrWhiteSpace(request.Infotext)) return;
        var parsed = Infotext.Parse(request.Infotext);
        var values = parsed.Parameters;
        var fields = Json.PydanticReader.Fields(request.GetType()).ToDictionary(f => f.Name);
        foreach (var (key, field) in Fields)
        {
            if (request.SetFields.Contains(field) || !values.TryGetValue(key, out string? text) || !fields.TryGetValue(field, out var info)) continue;
            object? value = Convert(text, info.Property.PropertyType);
            if (value is not null) info.Property.SetValue(request, value);
        }
        // A1111 derives the hires checkbox: a denoising strength together with any hires size key (the parser always
        // adds "Hires resize-1", so in effect any infotext with a denoising strength turns it on, as pasting does).
        if (request is Txt2ImgApiRequest txt2img && !request.SetFields.Contains("enable_hr") && values.ContainsKey("Denoising strength")
            && (values.ContainsKey("Hires upscale") || values.ContainsKey("Hires upscaler") || values.ContainsKey("Hires resize-1")))
            txt2img.EnableHr = true;

        var overrides = request.OverrideSettings ?? new Dictionary<string, JsonElement>();
        foreach (var (key, setting) in Settings)
        {
            if (!values.TryGetValue(key, out string? text) || overrides.ContainsKey(setting) || !options.IsKnown(setting)) continue;
            object? current = options.Get(setting);
            object? value = current switch
            {
                long => ParseNumber(text) is double d ? (long)d : null,
                double => ParseNumber(text),
                bool => text.Trim() is "True" or "true",
                _ => text,
            };
            if (value is null || Equals(value, current)) continue;
            overrides[setting] = JsonSerializer.SerializeToElement(value);
        }
        if (overrides.Count > 0) request.OverrideSettings = overrides;
    }

    // A1111 reads ints through float ("7.0" → 7); a value that is not a number leaves the field alone.
    static object? Convert(string text, Type type)
    {
        Type t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(string)) return text;
        if (ParseNumber(text) is not double d) return null;
        if (t == typeof(int)) return d is >= int.MinValue and <= int.MaxValue ? (int)d : null;
        if (t == typeof(long)) return Math.Abs(d) < 9e18 ? (long)d : null;
        if (t == typeof(double)) return d;
        return null;
    }

    static double? ParseNumber(string text) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d) ? d : null;
}
