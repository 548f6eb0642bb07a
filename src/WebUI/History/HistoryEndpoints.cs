using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace WebUI.History;

/// <summary>
/// GET /history/thumb/{id} and /history/image/{id}[?download=1]: pictures by index id. The file behind an id is served
/// only while it lies inside a configured history folder without a symbolic link on the way (see
/// <see cref="HistoryRoots.Servable"/>); anything else is 404, so no request can name a path.
/// </summary>
public static class HistoryEndpoints
{
    public const string ThumbnailPrefix = "/history/thumb/";
    public const string ImagePrefix = "/history/image/";

    static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static string ThumbnailUrl(int id) => ThumbnailPrefix + id.ToString(System.Globalization.CultureInfo.InvariantCulture);
    public static string ImageUrl(int id) => ImagePrefix + id.ToString(System.Globalization.CultureInfo.InvariantCulture);
    public static string DownloadUrl(int id) => ImageUrl(id) + "?download=1";

    public static IEndpointRouteBuilder MapHistory(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(ThumbnailPrefix + "{id:int}", async (int id, IHistoryService history, HttpContext context, CancellationToken cancellationToken) =>
        {
            string? file = await history.ThumbnailFileAsync(id, cancellationToken);
            if (file is null) return Results.NotFound();
            // The id may later name a re-read file with a new thumbnail; an hour of caching is plenty for scrolling.
            context.Response.Headers[HeaderNames.CacheControl] = "private, max-age=3600";
            return Results.File(file, history.ThumbnailContentType);
        });
        endpoints.MapGet(ImagePrefix + "{id:int}", (int id, string? download, IHistoryService history) =>
        {
            string? file = history.ServableFile(id);
            if (file is null) return Results.NotFound();
            string type = ContentTypes.TryGetContentType(file, out var t) ? t : "application/octet-stream";
            return download is "1" or "true"
                ? Results.File(file, type, Path.GetFileName(file), enableRangeProcessing: true)
                : Results.File(file, type, enableRangeProcessing: true);
        });
        return endpoints;
    }
}
