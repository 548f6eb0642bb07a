using WebUI.Api.Models;

namespace WebUI.Api;

/// <summary>
/// The OpenAPI document of the /sdapi routes (Microsoft.AspNetCore.OpenApi) at /openapi.json, as FastAPI serves it,
/// and Swagger UI at /docs (assets embedded in the package: nothing is fetched from the internet).
/// </summary>
static class ApiDocs
{
    public const string DocumentPath = "/openapi.json";

    public static IServiceCollection AddWebUIApiDocs(this IServiceCollection services)
    {
        services.AddOpenApi("v1", options =>
        {
            options.ShouldInclude = d => d.RelativePath?.StartsWith("sdapi/", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "WebUI (AUTOMATIC1111-compatible API)";
                document.Info.Version = "v1";
                document.Info.Description = "Stable Diffusion on ONNX Runtime. Routes, fields and defaults follow AUTOMATIC1111's /sdapi/v1. "
                    + "With --api-auth, send HTTP Basic credentials.";
                return Task.CompletedTask;
            });
        });
        return services;
    }

    public static void MapWebUIApiDocs(this WebApplication app)
    {
        app.MapOpenApi(DocumentPath);
        app.UseSwaggerUI(options =>
        {
            options.RoutePrefix = "docs";
            options.SwaggerEndpoint(DocumentPath, "WebUI API");
            options.DocumentTitle = "WebUI API - Swagger UI";
        });
    }

    public static RouteHandlerBuilder ProducesValidation(this RouteHandlerBuilder builder) =>
        builder.Produces<HttpValidationError>(StatusCodes.Status422UnprocessableEntity);

    public static RouteHandlerBuilder ProducesApiError(this RouteHandlerBuilder builder, params int[] statusCodes)
    {
        foreach (int status in statusCodes) builder.Produces<ApiError>(status);
        return builder;
    }
}
