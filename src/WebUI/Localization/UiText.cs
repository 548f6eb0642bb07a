namespace WebUI.Localization;

/// <summary>
/// Marker type for the interface's one string table: components inject <c>IStringLocalizer&lt;UiText&gt;</c>.
/// Keys are the English texts themselves, so English needs no table and a missing translation still reads well.
/// </summary>
public sealed class UiText;
