using Microsoft.AspNetCore.StaticFiles;
using WebUI.Generation;

namespace WebUI.Hosting;

/// <summary>GET /outputs/{path}: the saved pictures, and nothing outside the outputs folder.</summary>
public static class OutputFileEndpoints
{
    static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static IEndpointRouteBuilder MapOutputFiles(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(OutputUrls.Prefix + "{**path}", (string? path, WebUIPaths paths) =>
        {
            string? file = path is null ? null : OutputUrls.Resolve(paths, path);
            if (file is null) return Results.NotFound();
            string type = ContentTypes.TryGetContentType(file, out var t) ? t : "application/octet-stream";
            return Results.File(file, type, enableRangeProcessing: false);
        });
        return endpoints;
    }
}
