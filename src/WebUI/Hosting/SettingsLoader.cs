using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace WebUI.Hosting;

/// <summary>
/// One place that decides where settings come from, lowest priority first:
/// the appsettings.json shipped next to the binary, appsettings.json in the current directory,
/// environment variables (<c>WebUI__Port=7861</c>), ASP.NET-style <c>--key=value</c> arguments, then the CLI flags.
/// The web host and the CLI verbs both use it so `webui serve` and `webui generate` agree on the data dir.
/// </summary>
public static class SettingsLoader
{
    /// <summary>Adds the shipped appsettings.json below every other source (the binary's folder may differ from the cwd).</summary>
    public static void AddShippedDefaults(IConfigurationBuilder configuration)
    {
        var source = new JsonConfigurationSource
        {
            FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
            Path = "appsettings.json",
            Optional = true,
            ReloadOnChange = false,
        };
        configuration.Sources.Insert(0, source);
    }

    /// <summary>Settings for the CLI verbs (no web host is built for them).</summary>
    public static WebUISettings LoadForCli(IReadOnlyDictionary<string, string?> overrides)
    {
        var builder = new ConfigurationBuilder();
        AddShippedDefaults(builder);
        builder.AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true, reloadOnChange: false);
        builder.AddEnvironmentVariables();
        builder.AddInMemoryCollection(overrides);
        return Bind(builder.Build());
    }

    public static WebUISettings Bind(IConfiguration configuration)
    {
        var settings = new WebUISettings();
        configuration.GetSection(WebUISettings.SectionName).Bind(settings);
        if (settings.Port is < 1 or > 65535)
            throw new ArgumentException($"Setting WebUI:Port must be between 1 and 65535, got {settings.Port}.");
        if (settings.IntraOpThreads < 0)
            throw new ArgumentException($"Setting WebUI:IntraOpThreads must be 0 (auto) or more, got {settings.IntraOpThreads}.");
        settings.Saving.Validate();
        settings.History.Validate();
        return settings;
    }

    /// <summary>Turns CLI flag values into configuration keys; null values are left out so lower sources win.</summary>
    public static Dictionary<string, string?> Overrides(string? dataDir = null, int? port = null, bool? listen = null)
    {
        var map = new Dictionary<string, string?>();
        if (dataDir is not null) map[$"{WebUISettings.SectionName}:DataDir"] = dataDir;
        if (port is not null) map[$"{WebUISettings.SectionName}:Port"] = port.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (listen is true) map[$"{WebUISettings.SectionName}:Listen"] = "true";
        return map;
    }
}
