using System.Text.Json.Nodes;
using Bunit;
using Microsoft.Extensions.Configuration;
using WebUI.Components.Tabs;
using WebUI.Hosting;
using WebUI.Previews;
using WebUI.Settings;
using WebUI.Tests.Support;

namespace WebUI.Tests.Components;

public sealed class InstallationSettingsStoreTests
{
    static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Defaults_come_from_configuration_and_only_changed_values_are_written_to_the_data_folder()
    {
        using var data = new TempDirectory();
        var defaults = InstallationSettingsStore.DefaultsFrom(Config(("WebUI:DefaultSteps", "30"), ("WebUI:Previews:Method", "Full"), ("WebUI:Previews:EveryNSteps", "5")));
        Assert.Equal((30, PreviewMethods.Full, 5), (defaults.DefaultSteps, defaults.PreviewMethod, defaults.PreviewEveryNSteps));

        var store = new InstallationSettingsStore(defaults, data.Path);
        InterfaceSettings? notified = null;
        store.Changed += s => notified = s;
        store.Save(store.Current with { DefaultWidth = 768, Language = "zh" });

        Assert.Equal("zh-CN", notified!.Language);
        var file = JsonNode.Parse(File.ReadAllText(data.Combine("settings.json")))!["WebUI"]!.AsObject();
        Assert.Equal(["Language", "DefaultWidth"], file.Select(p => p.Key).Order().Reverse());
        Assert.Equal(768, (int)file["DefaultWidth"]!);

        // A new process reads the saved values over the (possibly changed) defaults.
        var reopened = new InstallationSettingsStore(defaults with { DefaultSteps = 25 }, data.Path);
        Assert.Equal((768, "zh-CN", 25), (reopened.Current.DefaultWidth, reopened.Current.Language, reopened.Current.DefaultSteps));
    }

    [Fact]
    public void Invalid_values_are_refused_with_their_field_and_nothing_is_written()
    {
        using var data = new TempDirectory();
        var store = new InstallationSettingsStore(new InterfaceSettings(), data.Path);
        var bad = store.Current with { DefaultWidth = 500, PreviewEveryNSteps = 0, ExecutionProvider = "Vulkan", DefaultSampler = "Nope" };
        var errors = InstallationSettingsStore.Validate(bad);
        Assert.Equal(["DefaultSampler", "DefaultWidth", "ExecutionProvider", "PreviewEveryNSteps"], errors.Keys.Order());
        Assert.Throws<ArgumentException>(() => store.Save(bad));
        Assert.False(File.Exists(data.Combine("settings.json")));
    }

    [Fact]
    public void Restart_keys_are_pending_until_the_next_start_and_are_applied_to_the_host_settings_then()
    {
        using var data = new TempDirectory();
        var store = new InstallationSettingsStore(new InterfaceSettings(), data.Path);
        store.Save(store.Current with { OutputsDir = "pictures", IntraOpThreads = 3, PreviewEveryNSteps = 4 });
        Assert.Equal(["OutputsDir", "IntraOpThreads"], store.PendingRestart);

        var host = new WebUISettings { DataDir = data.Path };
        InstallationSettingsStore.ApplyStoredOverrides(host);
        Assert.Equal(("pictures", 3), (host.OutputsDir, host.IntraOpThreads));
        Assert.Equal(data.Combine("pictures"), WebUIPaths.From(host).OutputsDir);
        Assert.Empty(new InstallationSettingsStore(new InterfaceSettings(), data.Path).PendingRestart);
    }

    [Fact]
    public void A_broken_settings_file_falls_back_to_the_defaults_per_key()
    {
        using var data = new TempDirectory();
        File.WriteAllText(data.Combine("settings.json"), """{"WebUI":{"DefaultWidth":333,"DefaultHeight":640,"Language":"xx"}}""");
        var store = new InstallationSettingsStore(new InterfaceSettings(), data.Path);
        Assert.Equal((512, 640, "en"), (store.Current.DefaultWidth, store.Current.DefaultHeight, store.Current.Language));
        File.WriteAllText(data.Combine("settings.json"), "{ not json");
        Assert.Equal(new InterfaceSettings(), new InstallationSettingsStore(new InterfaceSettings(), data.Path).Current);
    }

    [Fact]
    public async Task Saved_preview_settings_reach_the_queues_preview_settings_at_once()
    {
        using var data = new TempDirectory();
        var store = new InstallationSettingsStore(new InterfaceSettings(), data.Path);
        var provider = new PreviewSettingsProvider();
        var sync = new PreviewSettingsSync(store, provider);
        await sync.StartAsync(default);
        store.Save(store.Current with { PreviewMethod = PreviewMethods.None, PreviewEveryNSteps = -1 });
        Assert.Equal(new PreviewSettings { Method = PreviewMethod.None, EveryNSteps = -1 }, provider.Current);
        store.Save(store.Current with { PreviewMethod = PreviewMethods.ApproxCheap, PreviewEveryNSteps = 3 });
        Assert.Equal(new PreviewSettings { Method = PreviewMethod.Approximate, EveryNSteps = 3 }, provider.Current);
    }
}

public sealed class SettingsTabTests : UiTestContext
{
    [Fact]
    public void Saving_writes_the_settings_file_and_says_which_changes_need_a_restart()
    {
        RenderProviders();
        var cut = Render<SettingsTab>();
        cut.Find("#settings-preview-every").Change("4");
        cut.Find("#settings-outputs").Change("elsewhere");
        cut.Find("#settings-save").Click();

        // The click is dispatched through the renderer, which may still be busy: wait for the save's own render.
        cut.WaitForAssertion(() => Assert.Contains("Output folder", cut.Find("#settings-restart").TextContent));
        Assert.Equal(4, SettingsStore.Current.PreviewEveryNSteps);
        Assert.Contains("\"PreviewEveryNSteps\": 4", File.ReadAllText(Path.Combine(DataDir, "settings.json")));
        Assert.Contains(Snackbar.ShownSnackbars, s => s.Message == "Settings saved. Some take effect after a restart.");
    }

    [Fact]
    public void A_bad_value_is_reported_at_its_field_and_not_saved()
    {
        RenderProviders();
        var cut = Render<SettingsTab>();
        cut.Find("#settings-width").Change("500");
        cut.Find("#settings-save").Click();
        cut.WaitForAssertion(() => Assert.Contains("Size must be a multiple of 8 between 64 and 2048 (got 500).", cut.Markup));
        Assert.False(File.Exists(Path.Combine(DataDir, "settings.json")));
    }
}
