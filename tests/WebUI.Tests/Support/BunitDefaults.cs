using System.Runtime.CompilerServices;
using Bunit;

namespace WebUI.Tests.Support;

static class BunitDefaults
{
    /// <summary>
    /// bUnit's WaitFor* helpers give up after 1 s by default. On a loaded 2-core CI machine a throttled repaint (the
    /// queue panel, previews) can take longer than that, which fails a correct test. Waits still end as soon as their
    /// condition holds; only the give-up point moves.
    /// </summary>
    [ModuleInitializer]
    internal static void Initialize() => BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(15);
}
