namespace WebUI.Components.Layout;

/// <summary>The light/dark switch's cookie: read when the page is served, written by the switch in the browser.</summary>
public static class ThemePreference
{
    public const string CookieName = "webui-theme";
    public const string Light = "light";
    public const string Dark = "dark";
}
