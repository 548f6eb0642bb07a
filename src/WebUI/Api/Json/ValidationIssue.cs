namespace WebUI.Api.Json;

/// <summary>
/// One entry of FastAPI's 422 body <c>{"detail":[{"loc":[...],"msg":...,"type":...}]}</c>. <see cref="Loc"/> holds
/// strings (field names) and ints (list indexes), starting with "body" or "query".
/// </summary>
public sealed record ValidationIssue(IReadOnlyList<object> Loc, string Msg, string Type)
{
    public static ValidationIssue Field(string field, string msg, string type = "value_error") => new(["body", field], msg, type);
}

/// <summary>A request the API refuses with FastAPI's validation shape (HTTP 422).</summary>
public sealed class RequestValidationException(IReadOnlyList<ValidationIssue> issues)
    : Exception(issues.Count > 0 ? issues[0].Msg : "Invalid request.")
{
    public IReadOnlyList<ValidationIssue> Issues { get; } = issues;

    public RequestValidationException(ValidationIssue issue) : this([issue]) { }
}

/// <summary>
/// An error rendered the way A1111's API exception handler renders everything but validation errors:
/// <c>{"error": "HTTPException", "detail": ..., "body": "", "errors": "404: ..."}</c> with the given status.
/// </summary>
public sealed class ApiHttpException(int statusCode, string detail) : Exception(detail)
{
    public int StatusCode { get; } = statusCode;
    public string Detail { get; } = detail;
}
