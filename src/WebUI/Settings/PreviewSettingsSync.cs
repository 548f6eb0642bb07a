using WebUI.Previews;

namespace WebUI.Settings;

/// <summary>
/// Keeps the queue's live-preview settings (<see cref="PreviewSettingsProvider"/>, read by the worker at every step) equal
/// to the Settings tab's: applied at start and whenever the settings are saved, so a change takes effect on the next step.
/// </summary>
public sealed class PreviewSettingsSync(InstallationSettingsStore store, PreviewSettingsProvider previews) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Apply(store.Current);
        store.Changed += Apply;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        store.Changed -= Apply;
        return Task.CompletedTask;
    }

    void Apply(InterfaceSettings settings) => previews.Current = ToPreviewSettings(settings);

    public static PreviewSettings ToPreviewSettings(InterfaceSettings s) => new()
    {
        Method = s.PreviewMethod switch
        {
            PreviewMethods.Full => PreviewMethod.Full,
            PreviewMethods.Taesd => PreviewMethod.Taesd,
            PreviewMethods.None => PreviewMethod.None,
            _ => PreviewMethod.Approximate,
        },
        EveryNSteps = s.PreviewEveryNSteps,
    };

    /// <summary>The Settings tab's name for a <see cref="PreviewMethod"/> configuration value, or null when unknown.</summary>
    public static string? MethodName(string? configured) =>
        Enum.TryParse<PreviewMethod>(configured, ignoreCase: true, out var m) && Enum.IsDefined(m)
            ? m switch { PreviewMethod.Full => PreviewMethods.Full, PreviewMethod.Taesd => PreviewMethods.Taesd, PreviewMethod.None => PreviewMethods.None, _ => PreviewMethods.ApproxCheap }
            : PreviewMethods.All.Contains(configured ?? "") ? configured : null;
}
