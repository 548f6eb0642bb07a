using System.Globalization;
using Bunit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using WebUI.Components;
using WebUI.Generation;
using WebUI.Hosting;
using WebUI.Queue;
using WebUI.Settings;
using WebUI.Storage;
using WebUI.Tests.Support;
using WebUI.Tests.Web;
using WebUI.Users;

namespace WebUI.Tests.Components;

/// <summary>
/// bUnit context with the interface's real services (string tables, settings store, token counter with the real CLIP
/// vocabulary, users in a temp LiteDB) around a <see cref="RecordingJobQueue"/>. English unless a test switches.
/// </summary>
public abstract class UiTestContext : BunitContext, IAsyncLifetime
{
    readonly TempDirectory _data = new("webui-ui");
    readonly AppDatabase _database;
    readonly CultureInfo _culture = CultureInfo.CurrentUICulture;

    internal RecordingJobQueue Queue { get; } = new();
    internal RecordingGenerationService Generation { get; } = new();
    protected WebUIPaths Paths { get; }
    protected string DataDir => _data.Path;

    protected UiTestContext()
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddLogging();
        Paths = WebUIPaths.From(new WebUISettings { DataDir = _data.Path });
        SharedFiles.CopyClipTokenizer(Path.Combine(Paths.CheckpointsDir, "demo"));
        _database = new AppDatabase(Path.Combine(_data.Path, "webui.db"));

        Services.AddSingleton(Paths);
        Services.AddSingleton<IJobQueue>(Queue);
        Services.AddSingleton<IGenerationService>(Generation);
        Services.AddSingleton(_database);
        Services.AddSingleton<UserStore>();
        Services.AddScoped<CurrentUser>();
        Services.AddWebUIInterface(new ConfigurationBuilder().Build());
    }

    protected InstallationSettingsStore SettingsStore => Services.GetRequiredService<InstallationSettingsStore>();
    protected ISnackbar Snackbar => Services.GetRequiredService<ISnackbar>();
    protected string UserId => Services.GetRequiredService<CurrentUser>().UserId;

    /// <summary>
    /// Waits until the page has queued <paramref name="count"/> jobs: a click is dispatched through the renderer,
    /// which may still be finishing an earlier event, so what it queues can arrive a moment after Click() returns.
    /// </summary>
    internal IReadOnlyList<Diffusion.Pipelines.GenerationRequest> WaitForRequests<T>(IRenderedComponent<T> cut, int count)
        where T : Microsoft.AspNetCore.Components.IComponent
    {
        cut.WaitForAssertion(() => Assert.Equal(count, Queue.Requests.Count));
        return Queue.Requests;
    }

    internal JobView WaitForSingleJob<T>(IRenderedComponent<T> cut) where T : Microsoft.AspNetCore.Components.IComponent
    {
        JobView? job = null;
        cut.WaitForAssertion(() => job = Assert.Single(Queue.Snapshot()));
        return job!;
    }

    /// <summary>The providers MudBlazor needs for selects, tooltips and toasts.</summary>
    protected void RenderProviders()
    {
        Render<MudPopoverProvider>();
        Render<MudSnackbarProvider>();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services are IAsyncDisposable only.
    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Dispose();
        _data.Dispose();
        CultureInfo.CurrentUICulture = _culture;
    }
}
