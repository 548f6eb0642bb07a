using Microsoft.Extensions.DependencyInjection.Extensions;
using WebUI.Hosting;
using WebUI.Storage;

namespace WebUI.History;

public static class HistoryServiceCollectionExtensions
{
    /// <summary>
    /// The saver (<see cref="ImageSaver"/>, recording into the index), the history index and its services, the folder
    /// watcher, the start-up reconcile and the per-circuit <see cref="IHistoryActions"/>. Needs <see cref="WebUISettings"/>
    /// and <see cref="WebUIPaths"/> registered; registers the app's <see cref="AppDatabase"/> unless someone already did.
    /// </summary>
    public static IServiceCollection AddWebUIHistory(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => AppDatabase.OpenIn(sp.GetRequiredService<WebUIPaths>().DataDir));
        services.TryAddSingleton(sp => sp.GetRequiredService<WebUISettings>().Saving);
        services.TryAddSingleton(sp => sp.GetRequiredService<WebUISettings>().History);
        services.TryAddSingleton<HistoryRoots>();
        services.TryAddSingleton(sp => new ThumbnailCache(ThumbnailDirectory(sp.GetRequiredService<WebUIPaths>()), sp.GetRequiredService<HistoryOptions>()));
        services.TryAddSingleton(sp => new RecycleBin(sp.GetRequiredService<WebUIPaths>().OutputsDir));
        services.TryAddSingleton<HistoryStore>();
        services.TryAddSingleton<HistoryReconciler>();
        services.TryAddSingleton<HistoryService>();
        services.TryAddSingleton<IHistoryService>(sp => sp.GetRequiredService<HistoryService>());
        services.TryAddSingleton<HistoryFolderWatcher>();
        services.TryAddSingleton(sp => new ImageSaver(
            sp.GetRequiredService<WebUIPaths>(), sp.GetRequiredService<SavingOptions>(),
            sp.GetRequiredService<HistoryStore>(), sp.GetRequiredService<ILogger<ImageSaver>>()));
        services.AddHostedService<HistoryStartup>();
        services.TryAddScoped<IHistoryActions, SendToTab>();
        services.TryAddScoped<Components.History.HistorySendBridge>();
        return services;
    }

    /// <summary>&lt;data&gt;/cache/thumbnails.</summary>
    public static string ThumbnailDirectory(WebUIPaths paths) => Path.Combine(paths.DataDir, "cache", "thumbnails");
}
