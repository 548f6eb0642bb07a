using System.Globalization;

namespace WebUI.Localization;

/// <summary>
/// The interface languages. Only the UI culture changes with the language: numbers keep the invariant culture everywhere
/// (A1111 writes '.' decimals in infotext and fields whatever the language).
/// </summary>
public static class UiCultures
{
    public const string English = "en";
    public const string SimplifiedChinese = "zh-CN";

    /// <summary>Language code → its own name, as the switch shows it.</summary>
    public static IReadOnlyList<(string Code, string NativeName)> All { get; } =
    [
        (English, "English"),
        (SimplifiedChinese, "简体中文"),
    ];

    /// <summary>
    /// Maps any culture name a browser cookie or a settings file may hold onto a supported code
    /// ("zh", "zh-Hans", "zh-SG" → zh-CN; "en-GB" → en); null when the language is not offered.
    /// </summary>
    public static string? Normalize(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        string n = name.Trim();
        if (n.Equals("zh", StringComparison.OrdinalIgnoreCase) || n.StartsWith("zh-", StringComparison.OrdinalIgnoreCase))
            return n.Contains("Hant", StringComparison.OrdinalIgnoreCase) || n.EndsWith("-TW", StringComparison.OrdinalIgnoreCase)
                   || n.EndsWith("-HK", StringComparison.OrdinalIgnoreCase) ? null : SimplifiedChinese;
        if (n.Equals("en", StringComparison.OrdinalIgnoreCase) || n.StartsWith("en-", StringComparison.OrdinalIgnoreCase))
            return English;
        return null;
    }

    /// <summary>The supported code for the current thread's UI culture (English when it is not one of ours).</summary>
    public static string Current => Normalize(CultureInfo.CurrentUICulture.Name) ?? English;

    public static CultureInfo ToCulture(string code) => CultureInfo.GetCultureInfo(Normalize(code) ?? English);
}
