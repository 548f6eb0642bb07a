using Bunit;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using WebUI.Components.History;
using WebUI.Components.State;
using WebUI.History;
using WebUI.Hosting;
using WebUI.Tests.Components;

namespace WebUI.Tests.History;

/// <summary>The History tab on the real history services (temp LiteDB, pictures on disk) and the interface's workspace.</summary>
public sealed class HistoryTabTests : UiTestContext
{
    readonly List<string> _files = [];

    public HistoryTabTests()
    {
        var settings = new WebUISettings { DataDir = DataDir };
        settings.History.ReconcileOnStart = false;
        Services.AddSingleton(settings);
        Services.AddWebUIHistory();
    }

    IHistoryService History => Services.GetRequiredService<IHistoryService>();

    /// <summary>Pictures written a minute apart, oldest first: "a castle 0" ... with seeds 100 + i.</summary>
    void Pictures(params string[] prompts)
    {
        for (int i = 0; i < prompts.Length; i++)
        {
            string file = HistoryTestData.Write(Path.Combine(Paths.Txt2ImgDir, "2024-06-01", $"{i:00000}-{100 + i}.png"),
                HistoryTestData.Png(64, 64, HistoryTestData.Infotext(prompts[i], 100 + i, negative: "blurry"), i));
            File.SetLastWriteTimeUtc(file, new DateTime(2024, 6, 1, 12, i, 0, DateTimeKind.Utc));
            _files.Add(file);
        }
        History.ReconcileAsync().GetAwaiter().GetResult();
    }

    [Fact]
    public void Shows_the_newest_pictures_first_and_filters_by_prompt_words()
    {
        Pictures("a castle on a hill", "a red boat", "a castle in the fog");
        RenderProviders();
        var cut = Render<HistoryTab>();

        Assert.Equal("3 pictures", cut.Find("#history-count").TextContent);
        var ids = cut.FindAll(".history-tile").Select(t => int.Parse(t.GetAttribute("data-id")!)).ToList();
        Assert.Equal(_files.AsEnumerable().Reverse(), ids.Select(id => History.Get(id)!.Path));
        Assert.All(cut.FindAll(".history-tile img"), img => Assert.StartsWith("/history/thumb/", img.GetAttribute("src")));

        cut.Find("#history-search").Input("castl");
        cut.WaitForAssertion(() =>
        {
            Assert.Equal("2 pictures", cut.Find("#history-count").TextContent);
            Assert.Equal(2, cut.FindAll(".history-tile").Count);
        });

        cut.Find("#history-search").Input("submarine");
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#history-empty")));
    }

    [Fact]
    public void The_lightbox_shows_parameters_and_the_keyboard_favourites_moves_deletes_and_undo_restores()
    {
        Pictures("a castle on a hill", "a red boat", "a castle in the fog");
        RenderProviders();
        var cut = Render<HistoryTab>();

        // Every event below is dispatched through the renderer, which may still be busy (the history service's own
        // change notifications repaint the tab a moment later): each step waits for the render that answers it.
        cut.FindAll(".history-open")[0].Click();
        cut.WaitForAssertion(() => Assert.Equal("a castle in the fog", cut.Find("#lightbox-prompt").TextContent));
        Assert.Equal("blurry", cut.Find("#lightbox-negative").TextContent);
        Assert.Contains("102", cut.Find("#lightbox-parameters").TextContent);
        Assert.Contains("DPM++ 2M", cut.Find("#lightbox-parameters").TextContent);

        var lightbox = cut.Find("#history-lightbox");
        lightbox.KeyDown(new KeyboardEventArgs { Key = "f" });
        int newest = History.Query(HistoryQuery.All, 0, 1).Items[0].Id;
        cut.WaitForAssertion(() => Assert.True(History.Get(newest)!.Favourite));

        cut.Find("#history-lightbox").KeyDown(new KeyboardEventArgs { Key = "ArrowRight" });
        cut.WaitForAssertion(() => Assert.Equal("a red boat", cut.Find("#lightbox-prompt").TextContent));
        cut.Find("#history-lightbox").KeyDown(new KeyboardEventArgs { Key = "ArrowLeft" });
        cut.WaitForAssertion(() => Assert.Equal("a castle in the fog", cut.Find("#lightbox-prompt").TextContent));

        // Delete: the file goes to the recycle folder, the lightbox shows the next picture, the undo bar appears.
        cut.Find("#history-lightbox").KeyDown(new KeyboardEventArgs { Key = "Delete" });
        cut.WaitForAssertion(() => Assert.Equal("a red boat", cut.Find("#lightbox-prompt").TextContent));
        Assert.False(File.Exists(_files[2]));
        Assert.Equal(2, History.Query(HistoryQuery.All, 0, 10).Total);
        cut.Find("#history-lightbox").KeyDown(new KeyboardEventArgs { Key = "Escape" });
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#history-lightbox")));

        cut.Find("#history-undo-button").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#history-undo")));
        Assert.True(File.Exists(_files[2]));
        var restored = History.Get(History.Query(HistoryQuery.All, 0, 1).Items[0].Id)!;
        Assert.Equal((_files[2], true), (restored.Path, restored.Favourite));
    }

    [Fact]
    public void Send_to_txt2img_fills_the_form_and_switches_tabs_and_img2img_takes_the_picture()
    {
        Pictures("a lighthouse at dusk");
        RenderProviders();
        var cut = Render<HistoryTab>();
        var workspace = Services.GetRequiredService<WorkspaceState>();
        var actions = Services.GetRequiredService<IHistoryActions>();
        SendToTabRequest? raised = null;
        actions.SendRequested += r => raised = r;

        workspace.ActiveTab = MainTab.History;
        // Each click is dispatched through the renderer, which may still be busy: wait for the render that answers it.
        cut.Find(".history-open").Click();
        cut.WaitForElement("#lightbox-send-txt2img").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#history-lightbox")));
        Assert.Equal((MainTab.Txt2Img, "a lighthouse at dusk", "blurry", 100L, 8), (workspace.ActiveTab, workspace.Txt2Img.Prompt, workspace.Txt2Img.NegativePrompt, workspace.Txt2Img.Seed, workspace.Txt2Img.Steps));
        Assert.Equal((SendTarget.Txt2Img, 100L), (raised!.Target, raised.Parameters.Seed));

        cut.Find(".history-open").Click();
        cut.WaitForElement("#lightbox-send-img2img").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#history-lightbox")));
        Assert.Equal((MainTab.Img2Img, Img2ImgSource.Img2Img), (workspace.ActiveTab, workspace.Img2ImgTab));
        Assert.Equal(File.ReadAllBytes(_files[0]), workspace.Img2ImgImage!.Data);
        Assert.Equal("a lighthouse at dusk", workspace.Img2Img.Prompt);
        Assert.Null(actions.Pending); // applied
    }
}
