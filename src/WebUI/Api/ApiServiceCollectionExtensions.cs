using Microsoft.Extensions.DependencyInjection.Extensions;
using WebUI.Api.Options;
using WebUI.History;
using WebUI.Hosting;
using WebUI.Storage;

namespace WebUI.Api;

/// <summary>
/// The A1111-compatible REST API: <c>services.AddWebUIApi(settings)</c> and <c>app.MapWebUIApi()</c> are the only two
/// lines the host needs. Routes live under /sdapi/v1; the OpenAPI document is /openapi.json, browsable at /docs.
/// </summary>
public static class ApiServiceCollectionExtensions
{
    public const string RoutePrefix = "/sdapi/v1";

    public static IServiceCollection AddWebUIApi(this IServiceCollection services, WebUISettings settings)
    {
        services.AddSingleton(ApiCredentials.Parse(settings.ApiAuth));
        // One source of truth for saving: the options' saving keys are views of WebUI:Saving's live object.
        services.TryAddSingleton(sp => new SavingSettingsBinding(sp.GetRequiredService<WebUISettings>().Saving, sp.GetRequiredService<WebUIPaths>()));
        // The settings store: the Settings tab may register its own IOptionsStore first; this is the default.
        services.TryAddSingleton<IOptionsStore>(sp => new LiteDbOptionsStore(
            sp.GetRequiredService<AppDatabase>(), OptionCatalog.Create(sp.GetRequiredService<WebUIPaths>()), sp.GetRequiredService<SavingSettingsBinding>()));
        // Whoever asks for the saving settings (the saver, the history's folders) gets them after the values stored
        // through the options were applied, whichever of AddWebUIApi / AddWebUIHistory ran first.
        services.RemoveAll<SavingOptions>();
        services.AddSingleton(sp =>
        {
            _ = sp.GetRequiredService<IOptionsStore>();
            return sp.GetRequiredService<SavingSettingsBinding>().Live;
        });
        services.AddSingleton<ApiModels>();
        services.AddSingleton<ProcessingMapper>();
        services.AddSingleton<ApiGenerationRunner>();
        services.AddWebUIApiDocs();
        return services;
    }

    public static WebApplication MapWebUIApi(this WebApplication app)
    {
        app.UseMiddleware<ApiAuthMiddleware>();
        var api = app.MapGroup(RoutePrefix).AddEndpointFilter<ApiErrorFilter>().WithTags("sdapi");
        ProgressEndpoints.Map(api);
        OptionsEndpoints.Map(api);
        CatalogEndpoints.Map(api);
        if (app.Services.GetRequiredService<WebUISettings>().ApiServerStop) ServerControlEndpoints.Map(api);
        // Anything else under /sdapi is FastAPI's 404, not the page's "method not allowed".
        api.Map("/{**path}", () => ApiResponses.Json(ApiResponses.Ordered(("detail", "Not Found")), StatusCodes.Status404NotFound))
            .ExcludeFromDescription();
        app.MapWebUIApiDocs();
        return app;
    }
}
