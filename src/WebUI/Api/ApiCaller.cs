using WebUI.Queue;

namespace WebUI.Api;

/// <summary>
/// Who an API request comes from, as the shared queue shows it: the HTTP basic user when --api-auth is on,
/// otherwise the client's address plus the product name of its User-Agent ("python-requests @ 192.168.1.5").
/// Interrupt and skip act only on the caller's own running job.
/// </summary>
public static class ApiCaller
{
    /// <summary>Set by the auth middleware once the credentials were checked.</summary>
    internal const string UserItemKey = "WebUI.Api.User";

    public static JobOwner OwnerOf(HttpContext context)
    {
        if (context.Items[UserItemKey] is string user)
            return new JobOwner($"api:{user}", user, JobSource.Api);
        string address = context.Connection.RemoteIpAddress is { } ip
            ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString()
            : "local";
        string agent = ProductName(context.Request.Headers.UserAgent.ToString());
        return new JobOwner($"api:{address}|{agent}", $"{agent} @ {address}", JobSource.Api);
    }

    /// <summary>"python-requests/2.31.0 (x)" → "python-requests"; empty → "API client".</summary>
    internal static string ProductName(string userAgent)
    {
        string first = userAgent.Trim().Split(' ', 2)[0];
        string name = first.Split('/', 2)[0].Trim();
        if (name.Length == 0) return "API client";
        return name.Length > 40 ? name[..40] : name;
    }
}
