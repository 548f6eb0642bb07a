using WebUI.History;
using WebUI.Hosting;

namespace WebUI.Api.Options;

/// <summary>
/// One source of truth for saving: the A1111 option keys about saving (<c>samples_format</c>, <c>outdir_*</c>,
/// <c>jpeg_quality</c>, <c>grid_save</c>, ...) are not stored beside <see cref="SavingOptions"/> but read from and
/// written to the live <see cref="SavingOptions"/> object (<c>WebUI:Saving</c>) that the web UI's saver uses. So
/// <c>POST /sdapi/v1/options {"samples_format": "jpg"}</c> makes the next UI generation save JPEG, and a value from
/// appsettings shows in <c>GET /sdapi/v1/options</c>. Which wins at start-up: <c>WebUI:Saving</c> gives the values; a
/// value set later through the options store is also kept in the app database and is applied on top at the next start
/// (as A1111's config.json wins over its defaults).
/// </summary>
public sealed class SavingSettingsBinding(SavingOptions live, WebUIPaths paths)
{
    /// <summary>How one option key maps onto <see cref="SavingOptions"/>. A per-tab folder has its A1111 default folder name.</summary>
    sealed record Entry(Func<SavingOptions, object> Get, Action<SavingOptions, object?> Set, string? DefaultFolder = null);

    static readonly Dictionary<string, Entry> Entries = new(StringComparer.Ordinal)
    {
        ["samples_format"] = new(o => o.SamplesFormat, (o, v) => o.SamplesFormat = (string)v!),
        ["grid_format"] = new(o => o.GridFormat, (o, v) => o.GridFormat = (string)v!),
        ["enable_pnginfo"] = new(o => o.EnablePnginfo, (o, v) => o.EnablePnginfo = (bool)v!),
        ["jpeg_quality"] = new(o => (long)o.JpegQuality, (o, v) => o.JpegQuality = checked((int)(long)v!)),
        ["webp_lossless"] = new(o => o.WebpLossless, (o, v) => o.WebpLossless = (bool)v!),
        ["samples_filename_pattern"] = new(o => o.SamplesFilenamePattern, (o, v) => o.SamplesFilenamePattern = (string)v!),
        ["save_images_add_number"] = new(o => o.SaveImagesAddNumber, (o, v) => o.SaveImagesAddNumber = (bool)v!),
        ["save_images_replace_action"] = new(o => o.SaveImagesReplaceAction, (o, v) => o.SaveImagesReplaceAction = (string)v!),
        ["grid_save"] = new(o => o.GridSave, (o, v) => o.GridSave = (bool)v!),
        ["grid_extended_filename"] = new(o => o.GridExtendedFilename, (o, v) => o.GridExtendedFilename = (bool)v!),
        ["grid_only_if_multiple"] = new(o => o.GridOnlyIfMultiple, (o, v) => o.GridOnlyIfMultiple = (bool)v!),
        ["grid_prevent_empty_spots"] = new(o => o.GridPreventEmptySpots, (o, v) => o.GridPreventEmptySpots = (bool)v!),
        ["n_rows"] = new(o => (long)o.GridRows, (o, v) => o.GridRows = checked((int)(long)v!)),
        ["grid_background_color"] = new(o => o.GridBackgroundColor, (o, v) => o.GridBackgroundColor = (string)v!),
        ["save_txt"] = new(o => o.SaveTxt, (o, v) => o.SaveTxt = (bool)v!),
        ["save_to_dirs"] = new(o => o.SaveToDirs, (o, v) => o.SaveToDirs = (bool)v!),
        ["grid_save_to_dirs"] = new(o => o.GridSaveToDirs, (o, v) => o.GridSaveToDirs = (bool)v!),
        ["directories_filename_pattern"] = new(o => o.DirectoriesFilenamePattern, (o, v) => o.DirectoriesFilenamePattern = (string)v!),
        ["directories_max_prompt_words"] = new(o => (long)o.DirectoriesMaxPromptWords, (o, v) => o.DirectoriesMaxPromptWords = checked((int)(long)v!)),
        ["outdir_samples"] = new(o => o.OutdirSamples, (o, v) => o.OutdirSamples = (string)v!),
        ["outdir_txt2img_samples"] = new(o => o.OutdirTxt2ImgSamples, (o, v) => o.OutdirTxt2ImgSamples = (string)v!, "txt2img-images"),
        ["outdir_img2img_samples"] = new(o => o.OutdirImg2ImgSamples, (o, v) => o.OutdirImg2ImgSamples = (string)v!, "img2img-images"),
        ["outdir_grids"] = new(o => o.OutdirGrids, (o, v) => o.OutdirGrids = (string)v!),
        ["outdir_txt2img_grids"] = new(o => o.OutdirTxt2ImgGrids, (o, v) => o.OutdirTxt2ImgGrids = (string)v!, "txt2img-grids"),
        ["outdir_img2img_grids"] = new(o => o.OutdirImg2ImgGrids, (o, v) => o.OutdirImg2ImgGrids = (string)v!, "img2img-grids"),
    };

    readonly Lock _gate = new();

    /// <summary>The option keys that are views of <see cref="SavingOptions"/>.</summary>
    public static IReadOnlyCollection<string> Keys => Entries.Keys;

    public static bool Covers(string key) => Entries.ContainsKey(key);

    /// <summary>The live settings every saver of this process uses.</summary>
    public SavingOptions Live => live;

    /// <summary>
    /// The value as the options show it. An empty per-tab folder (meaning "the default folder under the outputs folder")
    /// shows as that folder relative to the data dir, as A1111 shows "outputs/txt2img-images".
    /// </summary>
    public object Read(string key) => Read(live, key, paths);

    /// <summary>
    /// Applies normalized option values to the live settings, all or none: they are tried on a copy first and checked
    /// with <see cref="SavingOptions.Validate"/>, so a bad combination leaves the live settings untouched.
    /// </summary>
    public void Apply(IEnumerable<KeyValuePair<string, object?>> values)
    {
        var covered = values.Where(kv => Covers(kv.Key)).ToList();
        if (covered.Count == 0) return;
        lock (_gate)
        {
            var trial = live.Clone();
            foreach (var (key, value) in covered) Write(trial, key, value, paths);
            trial.Validate();
            foreach (var (key, value) in covered) Write(live, key, value, paths);
        }
    }

    /// <summary>
    /// A copy of the live settings with <paramref name="valueOf"/>'s values of the saving keys on top: the settings of
    /// one API job (stored options plus its override_settings), for <c>ImageSaver.With</c>.
    /// </summary>
    public SavingOptions ForJob(Func<string, object?> valueOf)
    {
        SavingOptions job;
        lock (_gate) job = live.Clone();
        foreach (string key in Entries.Keys)
            if (valueOf(key) is { } value) Write(job, key, value, paths);
        return job;
    }

    static object Read(SavingOptions options, string key, WebUIPaths paths)
    {
        var entry = Entries[key];
        object value = entry.Get(options);
        if (entry.DefaultFolder is { } name && value is "")
            return OptionCatalog.Relative(paths.DataDir, Path.Combine(paths.OutputsDir, name));
        return value;
    }

    static void Write(SavingOptions options, string key, object? value, WebUIPaths paths)
    {
        var entry = Entries[key];
        // A per-tab folder that names its default folder is stored empty, so it keeps following WebUI:OutputsDir.
        if (entry.DefaultFolder is { } name && value is string folder && folder.Length > 0 && SameFolder(folder, Path.Combine(paths.OutputsDir, name), paths))
            value = "";
        entry.Set(options, value);
    }

    static bool SameFolder(string setting, string folder, WebUIPaths paths) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Combine(paths.DataDir, setting))),
            Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)),
            OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}
