using WebUI.Api.Json;
using WebUI.Api.Models;

namespace WebUI.Api;

/// <summary>Reads a request body into one of the API's request classes (pydantic rules, FastAPI errors).</summary>
static class ApiRequestBody
{
    public static async Task<T> ReadAsync<T>(HttpRequest request) where T : new()
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        return PydanticReader.Read<T>(bytes, static (target, field) =>
        {
            if (target is ProcessingApiRequest processing) processing.SetFields.Add(field);
        });
    }

    /// <summary>The body as a JSON document (any JSON value); 422 as FastAPI for a blank or unparsable body.</summary>
    public static async Task<System.Text.Json.JsonDocument> ReadDocumentAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        return PydanticReader.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
    }

    /// <summary>A query flag as FastAPI reads a bool parameter; 422 at query.NAME when it is not one.</summary>
    public static bool QueryFlag(HttpRequest request, string name, bool defaultValue)
    {
        string? text = request.Query[name];
        if (text is null) return defaultValue;
        using var doc = System.Text.Json.JsonDocument.Parse(System.Text.Json.JsonSerializer.Serialize(text));
        if (PydanticReader.TryBool(doc.RootElement, out bool value)) return value;
        throw new RequestValidationException(new ValidationIssue(["query", name], "value could not be parsed to a boolean", "type_error.bool"));
    }
}
