using System.Text;
using WebUI.Api.Json;

namespace WebUI.Api;

/// <summary>Writes bodies the way A1111's FastAPI app does (compact JSON, Python number forms).</summary>
public static class ApiResponses
{
    /// <summary>A JSON body written with <see cref="PyJson.Compact"/>.</summary>
    public static IResult Json(object? value, int statusCode = StatusCodes.Status200OK) =>
        new PyJsonResult(PyJson.Compact(value), statusCode);

    /// <summary>An already-rendered JSON body.</summary>
    public static IResult RawJson(string json, int statusCode = StatusCodes.Status200OK) => new PyJsonResult(json, statusCode);

    /// <summary>FastAPI's request-validation body: 422 <c>{"detail":[{"loc":[...],"msg":...,"type":...}]}</c>.</summary>
    public static IResult Validation(IReadOnlyList<ValidationIssue> issues) =>
        Json(Ordered(("detail", issues.Select(i => Ordered(("loc", i.Loc), ("msg", i.Msg), ("type", i.Type))).ToList())),
            StatusCodes.Status422UnprocessableEntity);

    /// <summary>A1111's api exception handler body for an HTTPException.</summary>
    public static IResult Error(int statusCode, string detail) =>
        Json(Ordered(("error", "HTTPException"), ("detail", detail), ("body", ""), ("errors", $"{statusCode}: {detail}")), statusCode);

    /// <summary>An ordered JSON object for <see cref="PyJson"/>.</summary>
    public static List<KeyValuePair<string, object?>> Ordered(params (string Key, object? Value)[] items) =>
        items.Select(i => new KeyValuePair<string, object?>(i.Key, i.Value)).ToList();

    sealed class PyJsonResult(string json, int statusCode) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
    {
        public int? StatusCode => statusCode;
        public string ContentType => "application/json";

        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = statusCode;
            httpContext.Response.ContentType = ContentType;
            byte[] bytes = Encoding.UTF8.GetBytes(json);
            httpContext.Response.ContentLength = bytes.Length;
            return httpContext.Response.Body.WriteAsync(bytes).AsTask();
        }
    }
}
