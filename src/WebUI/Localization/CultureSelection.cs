using Microsoft.AspNetCore.Localization;
using WebUI.Settings;

namespace WebUI.Localization;

/// <summary>
/// How a request gets its language: the browser's cookie (set by <c>GET /culture</c>), else the installation default
/// from the Settings tab. The Blazor circuit takes the culture of the request that opened it, so switching
/// language sets the cookie and reloads the page.
/// </summary>
public static class CultureSelection
{
    public const string Route = "/culture";
    public static string CookieName => CookieRequestCultureProvider.DefaultCookieName;

    /// <summary>The link the language switch navigates to (forceLoad): sets the cookie, then returns to <paramref name="returnUrl"/>.</summary>
    public static string SwitchUrl(string code, string returnUrl) =>
        $"{Route}?lang={Uri.EscapeDataString(code)}&redirect={Uri.EscapeDataString(returnUrl)}";

    public static IApplicationBuilder UseWebUICultures(this IApplicationBuilder app)
    {
        var options = new RequestLocalizationOptions
        {
            // Numbers stay invariant ('.' decimals, as A1111 writes them); only the UI culture follows the language.
            DefaultRequestCulture = new RequestCulture(System.Globalization.CultureInfo.InvariantCulture, UiCultures.ToCulture(UiCultures.English)),
            SupportedCultures = [System.Globalization.CultureInfo.InvariantCulture],
            SupportedUICultures = UiCultures.All.Select(c => UiCultures.ToCulture(c.Code)).ToList(),
            FallBackToParentUICultures = true,
        };
        var store = app.ApplicationServices.GetRequiredService<InstallationSettingsStore>();
        options.RequestCultureProviders =
        [
            new CookieRequestCultureProvider(),
            new CustomRequestCultureProvider(_ =>
                Task.FromResult<ProviderCultureResult?>(new ProviderCultureResult("", UiCultures.Normalize(store.Current.Language) ?? UiCultures.English))),
        ];
        return app.UseRequestLocalization(options);
    }

    public static IEndpointRouteBuilder MapCultureSwitch(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Route, (string? lang, string? redirect, HttpContext context) =>
        {
            string? code = UiCultures.Normalize(lang);
            if (code is null) return Results.BadRequest($"Unsupported language \"{lang}\" (supported: {string.Join(", ", UiCultures.All.Select(c => c.Code))}).");
            context.Response.Cookies.Append(CookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(code, code)),
                new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = false });
            return Results.LocalRedirect(IsLocal(redirect) ? redirect! : "/");
        });
        return endpoints;
    }

    // Only same-site paths: "/x" but not "//host" or "/\host" (open redirect).
    static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));
}
