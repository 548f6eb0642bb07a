using System.Net;
using MudBlazor.Services;
using WebUI.Api;
using WebUI.Components;
using WebUI.Generation;
using WebUI.History;
using WebUI.Queue;

namespace WebUI.Hosting;

/// <summary>What `webui serve` was given on the command line; null means "take it from settings".</summary>
public sealed record ServeOptions(string? DataDir = null, int? Port = null, bool? Listen = null);

/// <summary>Builds the Blazor Web App (InteractiveServer everywhere, MudBlazor) around the generation service.</summary>
public static class WebHostFactory
{
    /// <param name="hostArgs">ASP.NET-style <c>--key=value</c> arguments, passed through to the host's configuration.</param>
    public static WebApplication Build(string[] hostArgs, ServeOptions options)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = hostArgs });
        SettingsLoader.AddShippedDefaults(builder.Configuration);
        builder.Configuration.AddInMemoryCollection(SettingsLoader.Overrides(options.DataDir, options.Port, options.Listen));

        var settings = SettingsLoader.Bind(builder.Configuration);
        Settings.InstallationSettingsStore.ApplyStoredOverrides(settings);
        var paths = WebUIPaths.From(settings);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(paths);
        builder.Services.AddSingleton(sp => GenerationService.Create(sp.GetRequiredService<WebUISettings>(), sp.GetRequiredService<WebUIPaths>(), sp.GetRequiredService<ImageSaver>()));
        builder.Services.AddHostedService<DemoModelStartup>(); // before the queue's worker: resumed jobs may need the demo
        builder.Services.AddWebUIQueue(builder.Configuration);
        builder.Services.AddWebUIApi(settings);
        builder.Services.AddWebUIHistory();

        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddWebUIInterface(builder.Configuration);

        // Outside Development the _content/ and _framework/ assets of a build (not a publish) are only found through the
        // static web assets manifest; harmless after publish.
        builder.WebHost.UseStaticWebAssets();
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            var address = settings.Listen ? IPAddress.Any : IPAddress.Loopback;
            int port = options.Port ?? PortFinder.FirstFree(address, settings.Port);
            builder.WebHost.UseUrls($"http://{(settings.Listen ? "0.0.0.0" : "127.0.0.1")}:{port}");
        }

        var app = builder.Build();
        app.UseWebUIInterface();
        app.UseAntiforgery();
        app.MapWebUIQueue();
        app.MapStaticAssets();
        app.MapOutputFiles();
        app.MapWebUIApi();
        app.MapHistory();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
