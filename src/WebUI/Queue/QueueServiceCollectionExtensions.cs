using Microsoft.AspNetCore.Components.Server.Circuits;
using WebUI.Generation;
using WebUI.Hosting;
using WebUI.Hubs;
using WebUI.Previews;
using WebUI.Storage;
using WebUI.Users;

namespace WebUI.Queue;

/// <summary>DI and pipeline wiring of the queue, its worker, live previews, users and the /hubs/queue hub.</summary>
public static class QueueServiceCollectionExtensions
{
    /// <summary>The app database's file name inside the data dir.</summary>
    public const string DatabaseFileName = "webui.db";

    /// <summary>
    /// Registers the ONE <see cref="AppDatabase"/> (&lt;data&gt;/webui.db), the <see cref="IJobQueue"/> and its worker,
    /// previews (settings from "WebUI:Previews"), users (<see cref="CurrentUser"/> per circuit) and SignalR. The page's
    /// <see cref="IGenerationService"/> becomes the queue-backed one (scoped). Needs <see cref="WebUIPaths"/> and
    /// <see cref="GenerationService"/> registered.
    /// </summary>
    public static IServiceCollection AddWebUIQueue(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(sp => new AppDatabase(Path.Combine(sp.GetRequiredService<WebUIPaths>().DataDir, DatabaseFileName)));

        var previewSettings = configuration.GetSection("WebUI:Previews").Get<PreviewSettings>() ?? new PreviewSettings();
        services.AddSingleton(new PreviewSettingsProvider(previewSettings));
        services.AddSingleton<PreviewPublisher>();

        services.AddSingleton<IJobRunner, EngineJobRunner>();
        services.AddSingleton<JobQueue>();
        services.AddSingleton<IJobQueue>(sp => sp.GetRequiredService<JobQueue>());
        services.AddHostedService<QueueWorker>();
        services.AddScoped<IGenerationService, QueuedGenerationService>();

        services.AddHttpContextAccessor();
        services.AddSingleton<UserStore>();
        services.AddScoped<CurrentUser>();
        services.AddScoped<CircuitHandler, CurrentUserCircuitHandler>();

        services.AddSignalR();
        services.AddHostedService<QueueHubBroadcaster>();
        return services;
    }

    /// <summary>The user cookie middleware and the /hubs/queue hub. Call before mapping the Razor components.</summary>
    public static WebApplication MapWebUIQueue(this WebApplication app)
    {
        app.UseMiddleware<UserCookieMiddleware>();
        app.MapHub<QueueHub>(QueueHub.Path);
        return app;
    }
}
