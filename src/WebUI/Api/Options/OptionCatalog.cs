using System.Globalization;
using WebUI.Hosting;

namespace WebUI.Api.Options;

public enum OptionKind { Text, Integer, Number, Boolean }

/// <summary>One A1111 setting: key, type, default and the values it accepts.</summary>
public sealed record OptionDefinition(string Key, OptionKind Kind, object? Default)
{
    public IReadOnlyList<string>? Choices { get; init; }
    public double? Min { get; init; }
    public double? Max { get; init; }
    /// <summary>A null value is allowed (A1111 stores None for "use the first checkpoint").</summary>
    public bool Nullable { get; init; }
    /// <summary>A further check of a converted value: the problem in words, or null when the value is fine.</summary>
    public Func<object, string?>? Check { get; init; }

    /// <summary>The value converted to this setting's type, or an ArgumentException naming the key.</summary>
    public object? Normalize(object? raw)
    {
        if (raw is null)
            return Nullable ? null : throw new ArgumentException($"Setting '{Key}' must not be null.");
        object value = Kind switch
        {
            OptionKind.Text => raw switch
            {
                string s => s,
                _ => throw Bad(raw, "a string"),
            },
            OptionKind.Boolean => raw switch
            {
                bool b => b,
                _ => throw Bad(raw, "true or false"),
            },
            OptionKind.Integer => raw switch
            {
                long l => l,
                int i => (long)i,
                double d when double.IsFinite(d) && d == Math.Floor(d) && Math.Abs(d) < 9e15 => (long)d,
                _ => throw Bad(raw, "an integer"),
            },
            OptionKind.Number => raw switch
            {
                double d when double.IsFinite(d) => d,
                long l => (double)l,
                int i => (double)i,
                _ => throw Bad(raw, "a number"),
            },
            _ => throw new InvalidOperationException(),
        };
        if (Choices is not null && value is string text && !Choices.Contains(text, StringComparer.Ordinal))
            throw new ArgumentException($"Setting '{Key}' must be one of {string.Join(", ", Choices.Select(c => $"'{c}'"))}; got '{text}'.");
        double? number = value switch { long l => l, double d => d, _ => null };
        if (number is double n && (n < Min || n > Max))
            throw new ArgumentException($"Setting '{Key}' must be between {Min?.ToString(CultureInfo.InvariantCulture)} and {Max?.ToString(CultureInfo.InvariantCulture)}; got {n.ToString(CultureInfo.InvariantCulture)}.");
        if (Check?.Invoke(value) is { } problem)
            throw new ArgumentException($"Setting '{Key}' {problem}; got {Describe(value)}.");
        return value;
    }

    ArgumentException Bad(object raw, string expected) =>
        new($"Setting '{Key}' must be {expected}; got {Describe(raw)}.");

    static string Describe(object raw) => raw switch
    {
        string s => $"\"{s}\"",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => raw.GetType().Name,
    };
}

/// <summary>
/// The A1111 settings this server honours, with A1111's keys and defaults (modules/shared_options.py, v1.10.1).
/// Output folders default to the data dir's outputs/ layout, written relative to the data dir as A1111 writes them
/// relative to its install dir. The saving keys are views of the live <see cref="History.SavingOptions"/>
/// (<see cref="SavingSettingsBinding"/>): their defaults here are A1111's, the values in force come from WebUI:Saving.
/// </summary>
public static class OptionCatalog
{
    public static readonly IReadOnlyList<string> SampleFormats = ["png", "jpg", "jpeg", "webp"];

    public static IReadOnlyList<OptionDefinition> Create(WebUIPaths paths)
    {
        string Rel(string dir) => Relative(paths.DataDir, dir);
        string outputs = Rel(paths.OutputsDir);
        string Under(string name) => outputs.Length == 0 ? name : $"{outputs}/{name}";
        return
        [
            // Saving images/grids (the API saves only with save_images: true)
            new("samples_format", OptionKind.Text, "png") { Choices = SampleFormats },
            new("samples_filename_pattern", OptionKind.Text, ""),
            new("save_images_add_number", OptionKind.Boolean, true),
            new("save_images_replace_action", OptionKind.Text, "Replace") { Choices = ["Replace", "Add number suffix"] },
            new("grid_save", OptionKind.Boolean, true),
            new("grid_format", OptionKind.Text, "png") { Choices = SampleFormats },
            new("grid_extended_filename", OptionKind.Boolean, false),
            new("grid_only_if_multiple", OptionKind.Boolean, true),
            new("grid_prevent_empty_spots", OptionKind.Boolean, false),
            new("n_rows", OptionKind.Integer, -1L) { Min = -1, Max = 16 },
            new("grid_background_color", OptionKind.Text, "#ffffff") { Check = IsColour },
            new("return_grid", OptionKind.Boolean, true),
            new("enable_pnginfo", OptionKind.Boolean, true),
            new("save_txt", OptionKind.Boolean, false),
            new("jpeg_quality", OptionKind.Integer, 80L) { Min = 1, Max = 100 },
            new("webp_lossless", OptionKind.Boolean, false),
            // Saving to a directory
            new("save_to_dirs", OptionKind.Boolean, true),
            new("grid_save_to_dirs", OptionKind.Boolean, true),
            new("directories_filename_pattern", OptionKind.Text, "[date]"),
            new("directories_max_prompt_words", OptionKind.Integer, 8L) { Min = 1, Max = 20 },
            // Paths for saving: outdir_samples / outdir_grids, when not empty, replace the per-tab folders
            new("outdir_samples", OptionKind.Text, ""),
            new("outdir_txt2img_samples", OptionKind.Text, Rel(paths.Txt2ImgDir)),
            new("outdir_img2img_samples", OptionKind.Text, Rel(paths.Img2ImgDir)),
            new("outdir_grids", OptionKind.Text, ""),
            new("outdir_txt2img_grids", OptionKind.Text, Under("txt2img-grids")),
            new("outdir_img2img_grids", OptionKind.Text, Under("img2img-grids")),
            // Stable Diffusion
            new("sd_model_checkpoint", OptionKind.Text, null) { Nullable = true },
            new("sd_vae", OptionKind.Text, "Automatic"),
            new("CLIP_stop_at_last_layers", OptionKind.Integer, 1L) { Min = 1, Max = 12 },
            new("randn_source", OptionKind.Text, "GPU") { Choices = ["GPU", "CPU", "NV"] },
            new("emphasis", OptionKind.Text, "Original") { Choices = ["Original", "No norm", "Ignore", "None"] },
            new("pad_cond_uncond", OptionKind.Boolean, false),
            // Sampler parameters
            new("eta_ancestral", OptionKind.Number, 1.0) { Min = 0, Max = 1 },
            new("eta_ddim", OptionKind.Number, 0.0) { Min = 0, Max = 1 },
            new("s_churn", OptionKind.Number, 0.0) { Min = 0, Max = 100 },
            new("s_tmin", OptionKind.Number, 0.0) { Min = 0, Max = 10 },
            new("s_tmax", OptionKind.Number, 0.0) { Min = 0, Max = 999 },
            new("s_noise", OptionKind.Number, 1.0) { Min = 0, Max = 1.1 },
        ];
    }

    static string? IsColour(object value)
    {
        try
        {
            History.ImageGrid.ParseColor((string)value);
            return null;
        }
        catch (ArgumentException)
        {
            return "must be a colour like #ffffff";
        }
    }

    /// <summary>A path as settings show it: relative to the data dir with '/' when inside it, absolute otherwise.</summary>
    public static string Relative(string dataDir, string path)
    {
        string rel = Path.GetRelativePath(dataDir, path);
        if (rel == ".") return "";
        return rel.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(rel) ? path : rel.Replace(Path.DirectorySeparatorChar, '/');
    }
}
