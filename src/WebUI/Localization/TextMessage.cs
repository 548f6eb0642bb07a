using Microsoft.Extensions.Localization;

namespace WebUI.Localization;

/// <summary>
/// A message to show in the user's language: an English format string (the localizer key) and its arguments.
/// Code below the UI (validators, stores) returns these instead of finished text, so it need not know the language.
/// </summary>
public sealed record TextMessage(string Format, params object[] Args)
{
    public string In(IStringLocalizer localizer) => localizer[Format, Args].Value;

    /// <summary>The English text (logs, exceptions).</summary>
    public override string ToString() => string.Format(System.Globalization.CultureInfo.InvariantCulture, Format, Args);
}
