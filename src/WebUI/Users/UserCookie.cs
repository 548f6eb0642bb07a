using System.Security.Cryptography;

namespace WebUI.Users;

/// <summary>
/// The browser's stable identity: a random id in an HttpOnly, SameSite=Lax cookie kept for a year. It is not a login
/// (anyone on the LAN can clear their cookie); it keeps users' queues, names and permissions apart.
/// </summary>
public static class UserCookie
{
    public const string Name = "webui-user";
    /// <summary>HttpContext.Items key holding the id this request carries (or was just given).</summary>
    public const string ItemKey = "WebUI.UserId";
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(365);

    /// <summary>128 random bits, 32 lowercase hex digits.</summary>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>Only ids we could have issued are accepted: anything else gets a fresh id.</summary>
    public static bool IsValid(string? id) =>
        id is { Length: 32 } && id.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    /// <summary>The request's user id: the one the middleware put in Items, else a valid cookie, else null.</summary>
    public static string? Read(HttpContext? context)
    {
        if (context is null) return null;
        if (context.Items.TryGetValue(ItemKey, out var item) && item is string fromItems) return fromItems;
        return context.Request.Cookies.TryGetValue(Name, out var cookie) && IsValid(cookie) ? cookie : null;
    }
}

/// <summary>Gives every browser a user id cookie on its first request (and refreshes it so it lasts a year from last use).</summary>
public sealed class UserCookieMiddleware(RequestDelegate next, TimeProvider? time = null)
{
    readonly TimeProvider _time = time ?? TimeProvider.System;

    public Task InvokeAsync(HttpContext context)
    {
        string? id = context.Request.Cookies.TryGetValue(UserCookie.Name, out var cookie) && UserCookie.IsValid(cookie) ? cookie : null;
        bool issue = id is null;
        id ??= UserCookie.NewId();
        context.Items[UserCookie.ItemKey] = id;
        // Refresh a known cookie only on page loads, not on every asset or hub request.
        if (issue || HttpMethods.IsGet(context.Request.Method) && AcceptsHtml(context.Request))
        {
            context.Response.Cookies.Append(UserCookie.Name, id, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Lax,
                Secure = context.Request.IsHttps,
                IsEssential = true,
                Path = "/",
                Expires = _time.GetUtcNow() + UserCookie.Lifetime,
                MaxAge = UserCookie.Lifetime,
            });
        }
        return next(context);
    }

    static bool AcceptsHtml(HttpRequest request) =>
        request.Headers.Accept.Any(a => a is not null && a.Contains("text/html", StringComparison.OrdinalIgnoreCase));
}
