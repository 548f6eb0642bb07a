using Microsoft.Extensions.Localization;
using WebUI.Components.State;
using WebUI.Hosting;
using WebUI.Localization;
using WebUI.Settings;

namespace WebUI.Components;

/// <summary>The web interface's services and endpoints, registered with one line each in <see cref="WebHostFactory"/>.</summary>
public static class InterfaceServiceCollectionExtensions
{
    /// <summary>String tables, installation settings, prompt token counting, scratch pictures and the per-tab workspace.</summary>
    public static IServiceCollection AddWebUIInterface(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IStringLocalizerFactory, JsonStringLocalizerFactory>();
        services.AddTransient(typeof(IStringLocalizer<>), typeof(StringLocalizer<>));
        services.AddSingleton(sp => new InstallationSettingsStore(
            InstallationSettingsStore.DefaultsFrom(configuration), sp.GetRequiredService<WebUIPaths>().DataDir));
        services.AddSingleton<IPromptTokenCounter, PromptTokenService>();
        services.AddSingleton<ScratchImageStore>();
        services.AddScoped<WorkspaceState>();
        services.AddHostedService<PreviewSettingsSync>();
        return services;
    }

    /// <summary>Per-request language (cookie, else the installation default), the language switch and scratch pictures.</summary>
    public static WebApplication UseWebUIInterface(this WebApplication app)
    {
        app.UseWebUICultures();
        app.MapCultureSwitch();
        app.MapGet(ScratchImageStore.Prefix + "{id}", (string id, ScratchImageStore store, HttpContext context) =>
        {
            if (!store.TryGet(id, out var data, out var type)) return Results.NotFound();
            context.Response.Headers.CacheControl = "private, max-age=3600";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            return Results.Bytes(data, type);
        });
        return app;
    }
}
