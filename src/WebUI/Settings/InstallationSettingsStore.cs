using System.Text.Json;
using System.Text.Json.Nodes;
using WebUI.Diffusion.Sampling;
using WebUI.Generation;
using WebUI.Hosting;
using WebUI.Localization;

namespace WebUI.Settings;

/// <summary>
/// The installation's settings: defaults from configuration (appsettings.json), the changes a user saved in
/// <c>&lt;data&gt;/settings.json</c> on top. Only values that differ from the defaults are written, so a later change of
/// appsettings.json still reaches every key nobody touched. Thread-safe; <see cref="Changed"/> tells open pages.
/// </summary>
public sealed class InstallationSettingsStore
{
    public const string FileName = "settings.json";
    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    readonly object _gate = new();
    readonly string _file;
    readonly JsonObject _defaults;
    InterfaceSettings _current;

    public InstallationSettingsStore(InterfaceSettings defaults, string dataDir)
    {
        Defaults = defaults;
        _defaults = JsonSerializer.SerializeToNode(defaults)!.AsObject();
        _file = Path.Combine(dataDir, FileName);
        _current = Merge(_defaults, ReadStored(_file));
        Running = _current;
    }

    /// <summary>Reads the defaults from the "WebUI" configuration section.</summary>
    public static InterfaceSettings DefaultsFrom(IConfiguration configuration)
    {
        var section = configuration.GetSection(WebUISettings.SectionName);
        var bound = new InterfaceSettingsBinding();
        section.Bind(bound);
        var settings = bound.ToSettings();
        // The queue's preview settings live in "WebUI:Previews" (Method: Approximate|Full|None, EveryNSteps); one source.
        var previews = section.GetSection("Previews");
        if (PreviewSettingsSync.MethodName(previews["Method"]) is { } method) settings = settings with { PreviewMethod = method };
        if (int.TryParse(previews["EveryNSteps"], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int every))
            settings = settings with { PreviewEveryNSteps = every };
        return settings;
    }

    /// <summary>What appsettings.json says.</summary>
    public InterfaceSettings Defaults { get; }

    /// <summary>The values this process started with: restart-required keys keep these until the next start.</summary>
    public InterfaceSettings Running { get; }

    public InterfaceSettings Current
    {
        get { lock (_gate) return _current; }
    }

    public string FilePath => _file;

    public event Action<InterfaceSettings>? Changed;

    /// <summary>Restart-required keys whose saved value differs from the one this process runs with.</summary>
    public IReadOnlyList<string> PendingRestart
    {
        get
        {
            var current = JsonSerializer.SerializeToNode(Current)!.AsObject();
            var running = JsonSerializer.SerializeToNode(Running)!.AsObject();
            return InterfaceSettings.RestartRequiredKeys.Where(k => !JsonNode.DeepEquals(current[k], running[k])).ToList();
        }
    }

    /// <summary>Field → problem; empty when the settings can be saved.</summary>
    public static IReadOnlyDictionary<string, TextMessage> Validate(InterfaceSettings s)
    {
        var errors = new Dictionary<string, TextMessage>();
        if (UiCultures.Normalize(s.Language) is null)
            errors[nameof(s.Language)] = new TextMessage("Unknown language \"{0}\".", s.Language);
        if (!PreviewMethods.All.Contains(s.PreviewMethod))
            errors[nameof(s.PreviewMethod)] = new TextMessage("Unknown preview method \"{0}\".", s.PreviewMethod);
        if (s.PreviewEveryNSteps is < -1 or > 32 || s.PreviewEveryNSteps == 0)
            errors[nameof(s.PreviewEveryNSteps)] = new TextMessage("Preview interval must be -1 (end of each batch) or between 1 and 32.");
        if (!SamplerCatalog.Names.Contains(s.DefaultSampler))
            errors[nameof(s.DefaultSampler)] = new TextMessage("Unknown sampler \"{0}\".", s.DefaultSampler);
        if (!SamplerCatalog.SchedulerLabels.Contains(s.DefaultScheduler))
            errors[nameof(s.DefaultScheduler)] = new TextMessage("Unknown schedule type \"{0}\".", s.DefaultScheduler);
        if (s.DefaultSteps is < 1 or > FormValidator.MaxSteps)
            errors[nameof(s.DefaultSteps)] = new TextMessage("Sampling steps must be between 1 and {0}.", FormValidator.MaxSteps);
        CheckSize(errors, nameof(s.DefaultWidth), s.DefaultWidth);
        CheckSize(errors, nameof(s.DefaultHeight), s.DefaultHeight);
        if (string.IsNullOrWhiteSpace(s.OutputsDir) || s.OutputsDir.IndexOfAny(Path.GetInvalidPathChars()) >= 0 || s.OutputsDir.Contains('\0'))
            errors[nameof(s.OutputsDir)] = new TextMessage("Output folder must be a folder path.");
        if (s.IntraOpThreads is < 0 or > 1024)
            errors[nameof(s.IntraOpThreads)] = new TextMessage("Threads must be 0 (automatic) or between 1 and 1024.");
        if (!ExecutionProviderNames.All.Contains(s.ExecutionProvider, StringComparer.OrdinalIgnoreCase))
            errors[nameof(s.ExecutionProvider)] = new TextMessage("Unknown execution provider \"{0}\".", s.ExecutionProvider);
        return errors;
    }

    static void CheckSize(Dictionary<string, TextMessage> errors, string key, int value)
    {
        if (value < FormValidator.MinSize || value > FormValidator.MaxSize || value % FormValidator.SizeStep != 0)
            errors[key] = new TextMessage("Size must be a multiple of {0} between {1} and {2} (got {3}).",
                FormValidator.SizeStep, FormValidator.MinSize, FormValidator.MaxSize, value);
    }

    /// <summary>Validates, writes the differences from the defaults to settings.json (atomically) and notifies.</summary>
    /// <exception cref="ArgumentException">A value is invalid (the message names it); nothing is written.</exception>
    public void Save(InterfaceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var errors = Validate(settings);
        if (errors.Count > 0)
            throw new ArgumentException(string.Join(" ", errors.Select(e => $"{e.Key}: {e.Value}")));
        settings = settings with { Language = UiCultures.Normalize(settings.Language)! };

        lock (_gate)
        {
            var node = JsonSerializer.SerializeToNode(settings)!.AsObject();
            var changed = new JsonObject();
            foreach (var (key, value) in node)
                if (!JsonNode.DeepEquals(value, _defaults[key])) changed[key] = value?.DeepClone();
            var file = new JsonObject { [WebUISettings.SectionName] = changed };
            Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
            string temp = _file + ".tmp";
            File.WriteAllText(temp, file.ToJsonString(Indented));
            File.Move(temp, _file, overwrite: true);
            _current = settings;
        }
        Changed?.Invoke(settings);
    }

    /// <summary>The stored "WebUI" object of settings.json, or an empty one (a broken file must not stop the app).</summary>
    static JsonObject ReadStored(string file)
    {
        try
        {
            if (!File.Exists(file)) return [];
            return JsonNode.Parse(File.ReadAllText(file))?[WebUISettings.SectionName] as JsonObject ?? [];
        }
        catch (Exception e) when (e is JsonException or IOException or InvalidOperationException)
        {
            return [];
        }
    }

    static InterfaceSettings Merge(JsonObject defaults, JsonObject stored)
    {
        var merged = defaults.DeepClone().AsObject();
        foreach (var (key, value) in stored)
            if (merged.ContainsKey(key)) merged[key] = value?.DeepClone();
        try
        {
            var s = merged.Deserialize<InterfaceSettings>() ?? new InterfaceSettings();
            // A hand-edited file with a bad value falls back to the default for that key only.
            foreach (var key in Validate(s).Keys) merged[key] = defaults[key]?.DeepClone();
            return merged.Deserialize<InterfaceSettings>() ?? new InterfaceSettings();
        }
        catch (JsonException)
        {
            return defaults.Deserialize<InterfaceSettings>() ?? new InterfaceSettings();
        }
    }

    /// <summary>
    /// Applies the stored restart-required values (output folder, threads, execution provider) to the host settings
    /// before the engine and the paths are built from them.
    /// </summary>
    public static void ApplyStoredOverrides(WebUISettings settings)
    {
        string dataDir = WebUIPaths.From(settings).DataDir;
        var stored = ReadStored(Path.Combine(dataDir, FileName));
        if (stored[nameof(InterfaceSettings.OutputsDir)]?.GetValueKind() == JsonValueKind.String)
        {
            string value = stored[nameof(InterfaceSettings.OutputsDir)]!.GetValue<string>();
            if (!string.IsNullOrWhiteSpace(value)) settings.OutputsDir = value;
        }
        if (stored[nameof(InterfaceSettings.IntraOpThreads)]?.GetValueKind() == JsonValueKind.Number
            && stored[nameof(InterfaceSettings.IntraOpThreads)]!.GetValue<int>() is >= 0 and var threads)
            settings.IntraOpThreads = threads;
        if (stored[nameof(InterfaceSettings.ExecutionProvider)]?.GetValueKind() == JsonValueKind.String
            && stored[nameof(InterfaceSettings.ExecutionProvider)]!.GetValue<string>() is var provider
            && ExecutionProviderNames.All.Contains(provider, StringComparer.OrdinalIgnoreCase))
            settings.ExecutionProvider = provider;
    }

    /// <summary>Mutable twin for the configuration binder (records with init-only properties do not bind).</summary>
    sealed class InterfaceSettingsBinding
    {
        static readonly InterfaceSettings D = new();
        public string Language { get; set; } = D.Language;
        public string PreviewMethod { get; set; } = D.PreviewMethod;
        public int PreviewEveryNSteps { get; set; } = D.PreviewEveryNSteps;
        public string DefaultSampler { get; set; } = D.DefaultSampler;
        public string DefaultScheduler { get; set; } = D.DefaultScheduler;
        public int DefaultSteps { get; set; } = D.DefaultSteps;
        public int DefaultWidth { get; set; } = D.DefaultWidth;
        public int DefaultHeight { get; set; } = D.DefaultHeight;
        public string OutputsDir { get; set; } = D.OutputsDir;
        public int IntraOpThreads { get; set; } = D.IntraOpThreads;
        public string ExecutionProvider { get; set; } = D.ExecutionProvider;

        public InterfaceSettings ToSettings() => new()
        {
            Language = UiCultures.Normalize(Language) ?? UiCultures.English,
            PreviewMethod = PreviewMethod,
            PreviewEveryNSteps = PreviewEveryNSteps,
            DefaultSampler = DefaultSampler,
            DefaultScheduler = DefaultScheduler,
            DefaultSteps = DefaultSteps,
            DefaultWidth = DefaultWidth,
            DefaultHeight = DefaultHeight,
            OutputsDir = OutputsDir,
            IntraOpThreads = IntraOpThreads,
            ExecutionProvider = ExecutionProvider,
        };
    }
}
