namespace WebUI.Api;

/// <summary>
/// server-kill / server-restart / server-stop, registered only with --api-server-stop (otherwise they are 404s, as
/// in A1111). This server has no launcher that could start it again, so restart answers 501 like A1111 does then.
/// </summary>
static class ServerControlEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/server-kill", (IHostApplicationLifetime lifetime) =>
        {
            lifetime.StopApplication();
            return ApiResponses.Json(null);
        }).WithName("kill_webui");
        api.MapPost("/server-restart", () => Results.StatusCode(StatusCodes.Status501NotImplemented)).WithName("restart_webui");
        api.MapPost("/server-stop", (IHostApplicationLifetime lifetime) =>
        {
            lifetime.StopApplication();
            return Results.Text("Stopping.");
        }).WithName("stop_webui");
    }
}
