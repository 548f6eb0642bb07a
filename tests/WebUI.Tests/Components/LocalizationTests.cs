using System.Globalization;
using System.Text.RegularExpressions;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using WebUI.Components.Layout;
using WebUI.Components.Panels;
using WebUI.Components.State;
using WebUI.Localization;
using WebUI.Settings;
using WebUI.Tests.Support;

namespace WebUI.Tests.Components;

public sealed partial class LocalizationTests
{
    static readonly HashSet<string> NamesKeptAsIs = [PreviewMethods.Taesd, "Stable Diffusion"];
    static readonly string[] Sources = ["src/WebUI/Components", "src/WebUI/Settings", "src/WebUI/Localization"];

    /// <summary>Every English key the interface passes to the localizer: L["..."] and TextMessage("...") literals.</summary>
    static HashSet<string> KeysUsedInSource()
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (string folder in Sources)
        foreach (string file in Directory.EnumerateFiles(Path.Combine(SharedFiles.RepositoryRoot, folder), "*.*", SearchOption.AllDirectories)
                     .Where(f => f.EndsWith(".razor") || f.EndsWith(".cs")))
        {
            string text = File.ReadAllText(file);
            foreach (Match m in LocalizerKey().Matches(text)) keys.Add(Regex.Unescape(m.Groups[1].Value));
            foreach (Match m in MessageKey().Matches(text)) keys.Add(Regex.Unescape(m.Groups[1].Value));
        }
        foreach (string method in PreviewMethods.All) keys.Add(method); // shown through L[method]
        return keys;
    }

    [Fact]
    public void The_Chinese_table_translates_every_string_the_interface_uses_and_nothing_else()
    {
        var tables = JsonStringLocalizer.LoadEmbeddedTables();
        var zh = tables["zh-CN"];
        var used = KeysUsedInSource();
        Assert.True(used.Count > 150, $"only {used.Count} keys found: the scan is broken");
        Assert.Equal([], used.Where(k => !zh.ContainsKey(k)).Order());   // untranslated
        Assert.Equal([], zh.Keys.Where(k => !used.Contains(k)).Order()); // stale
        // Placeholders survive translation, so formatting never throws or drops a value.
        foreach (var (key, value) in zh)
            Assert.Equal(Placeholders(key), Placeholders(value));
        // Chinese text, not English copied across (a few keys are placeholders only; product names such as TAESD stay
        // as A1111's Chinese localization shows them).
        Assert.All(zh.Where(e => e.Key.Any(char.IsLetter) && !NamesKeptAsIs.Contains(e.Key)), e => Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", e.Value));
    }

    static string Placeholders(string s) => string.Join(",", PlaceholderPattern().Matches(s).Select(m => m.Groups[1].Value).Order());

    [Fact]
    public void The_localizer_follows_the_ui_culture_and_keeps_invariant_numbers()
    {
        var localizer = JsonStringLocalizer.FromEmbeddedTables();
        var saved = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-CN");
            Assert.Equal("采样方法 (Sampler)", localizer["Sampling method"].Value);
            Assert.Equal("迭代步数 (Steps)", localizer["Sampling steps"].Value);
            Assert.Equal("提示词引导系数 (CFG Scale)", localizer["CFG Scale"].Value);
            Assert.Equal("随机数种子 (Seed)", localizer["Seed"].Value);
            Assert.Equal("中止", localizer["Interrupt"].Value);
            Assert.Equal("提示词引导系数必须在 1.5 到 30 之间。", localizer["CFG scale must be between {0} and {1}.", 1.5, 30].Value);
            Assert.True(localizer["no such key"].ResourceNotFound);

            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-Hans");
            Assert.Equal("生成", localizer["Generate"].Value);
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en-GB");
            Assert.Equal("Generate", localizer["Generate"].Value);
            Assert.False(localizer["Generate"].ResourceNotFound);
        }
        finally
        {
            CultureInfo.CurrentUICulture = saved;
        }
    }

    [Theory]
    [InlineData("zh", "zh-CN")]
    [InlineData("zh-Hans-CN", "zh-CN")]
    [InlineData("zh-TW", null)]
    [InlineData("en-US", "en")]
    [InlineData("fr", null)]
    [InlineData("", null)]
    public void Browser_and_settings_language_names_map_onto_the_two_offered(string name, string? expected) =>
        Assert.Equal(expected, UiCultures.Normalize(name));

    [GeneratedRegex(@"L\[""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LocalizerKey();

    [GeneratedRegex(@"TextMessage\(""((?:[^""\\]|\\.)*)""")]
    private static partial Regex MessageKey();

    [GeneratedRegex(@"\{(\d+)(?::[^}]*)?\}")]
    private static partial Regex PlaceholderPattern();
}

public sealed class ChinesePanelTests : UiTestContext
{
    [Fact]
    public void The_txt2img_panel_speaks_Chinese_with_the_terms_SD_users_know()
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-CN");
        RenderProviders();
        Render<CheckpointPicker>();
        var cut = Render<GenerationPanel>(p => p.Add(x => x.Mode, GenerationMode.Txt2Img));

        Assert.Equal("生成", cut.Find("#txt2img-generate").TextContent.Trim());
        foreach (string term in new[] { "提示词", "反向提示词", "采样方法 (Sampler)", "迭代步数 (Steps)", "提示词引导系数 (CFG Scale)", "随机数种子 (Seed)", "高分辨率修复 (Hires. fix)", "总批次数", "单批数量" })
            Assert.Contains(term, cut.Markup);
        Assert.DoesNotContain(">Generate<", cut.Markup);

        cut.Find("#txt2img-width").Change("500");
        cut.Find("#txt2img-generate").Click();
        cut.WaitForAssertion(() => Assert.Contains("宽度必须是 64 到 2048 之间 8 的倍数（当前为 500）。", cut.Markup));

        cut.Find("#txt2img-width").Change("512");
        cut.Find("#txt2img-generate").Click();
        // The queued job's controls appear in a later render than the click's own dispatch.
        cut.WaitForAssertion(() =>
        {
            Assert.Equal("中止", cut.Find("#txt2img-interrupt").TextContent.Trim());
            Assert.Equal("跳过", cut.Find("#txt2img-skip").TextContent.Trim());
        });
        // Numbers in fields stay in the invariant format whatever the language.
        Assert.Equal("7", cut.Find("#txt2img-cfg-scale").GetAttribute("value"));
    }
}
