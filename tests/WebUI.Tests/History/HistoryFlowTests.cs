using WebUI.Diffusion.Pipelines;
using WebUI.Generation;
using WebUI.History;
using WebUI.Tests.Support;

namespace WebUI.Tests.History;

/// <summary>
/// The done-when flow on a real LiteDB file and the demo model: generate, find by prompt words, favourite,
/// delete and undo, then delete the database and get everything back from the files.
/// </summary>
[Collection(DemoDataDirCollection.Name)]
public sealed class HistoryFlowTests(DemoDataDir demo)
{
    static GenerationRequest Request(string prompt, long seed, int batchSize = 1, string negative = "") => new()
    {
        Prompt = prompt, NegativePrompt = negative, Seed = seed, Steps = 4, Width = 64, Height = 64, BatchSize = batchSize,
    };

    [Fact]
    public void Generate_search_favourite_delete_undo_and_rebuild_from_files()
    {
        using var dir = new TempDirectory();
        var (settings, paths) = HistoryTestData.Data(dir, demo.Paths.ModelsDir);
        List<string> paths1;
        Dictionary<string, (string Prompt, long Seed, string Model, Dictionary<string, string> Parameters)> before;

        using (var host = HistoryHost.Open(settings, paths))
        {
            using var generation = GenerationService.Create(settings, paths, host.Saver);
            var lighthouse = generation.Generate(Request("a red lighthouse on a cliff", 10, batchSize: 2), OutputTarget.Default);
            var forest = generation.Generate(Request("a green forest path", 20, negative: "fog, rain"), OutputTarget.Default);
            var history = host.Service;

            // Indexed at save time with thumbnails; the batch's grid is indexed too but hidden unless asked for.
            Assert.Equal(3, history.Query(HistoryQuery.All, 0, 10).Total);
            Assert.Equal(4, history.Query(HistoryQuery.All with { IncludeGrids = true }, 0, 10).Total);
            foreach (var item in history.Query(HistoryQuery.All, 0, 10).Items)
                Assert.True(File.Exists(host.Thumbnails.PathOf(history.Get(item.Id)!.Thumbnail)));

            // Find by prompt words: word starts, quoted whole words, negative prompt scope; the CLI's LiteDB path agrees.
            var found = history.Query(new HistoryQuery { Text = "Lighthouse CLIFF" }, 0, 10);
            Assert.Equal(lighthouse.Pictures.Select(p => p.FilePath).Reverse(), found.Items.Select(i => history.Get(i.Id)!.Path));
            Assert.Equal(2, history.Query(new HistoryQuery { Text = "light" }, 0, 10).Total);
            Assert.Equal(0, history.Query(new HistoryQuery { Text = "\"light\"" }, 0, 10).Total);
            Assert.Equal(0, history.Query(new HistoryQuery { Text = "fog" }, 0, 10).Total);
            var fog = history.Query(new HistoryQuery { Text = "fog", Scope = SearchScope.NegativePrompt }, 0, 10);
            Assert.Equal(forest.Pictures[0].FilePath, history.Get(Assert.Single(fog.Items).Id)!.Path);
            Assert.Equal(2, host.Store.QueryDatabase(new HistoryQuery { Text = "lighthouse cliff" }, 10).Count);
            Assert.Single(host.Store.QueryDatabase(new HistoryQuery { Text = "rai", Scope = SearchScope.Both }, 10));
            Assert.Equal(["demo"], history.Facets().Models.Select(m => m.Value));

            // Favourite.
            int first = found.Items[^1].Id;
            Assert.True(history.SetFavourite(first, true));
            Assert.Equal(first, Assert.Single(history.Query(new HistoryQuery { FavouritesOnly = true }, 0, 10).Items).Id);
            Assert.True(Assert.Single(host.Store.QueryDatabase(new HistoryQuery { FavouritesOnly = true }, 10)).Favourite);

            // Delete moves the file into outputs/.recycle; undo brings file, entry and favourite back.
            string file = history.Get(first)!.Path;
            var recycled = history.Delete(first)!;
            Assert.False(File.Exists(file));
            Assert.StartsWith(Path.Combine(paths.OutputsDir, ".recycle"), recycled.RecycledPath);
            Assert.Equal(1, history.Query(new HistoryQuery { Text = "lighthouse" }, 0, 10).Total);
            Assert.Null(history.Get(first));
            Assert.Equal(3, host.Reconciler.Run().Unchanged); // the recycle folder is never indexed
            var restored = history.Undo(recycled.Token);
            Assert.Equal(file, restored.Path);
            Assert.True(File.Exists(file));
            Assert.True(restored.Favourite);
            Assert.Equal(2, history.Query(new HistoryQuery { Text = "lighthouse" }, 0, 10).Total);
            Assert.Throws<ArgumentException>(() => history.Undo(recycled.Token));

            paths1 = [.. history.Query(HistoryQuery.All with { IncludeGrids = true }, 0, 10).Items.Select(i => history.Get(i.Id)!.Path)];
            before = paths1.ToDictionary(p => p, p =>
            {
                var r = host.Store.FindByPath(p)!;
                return (r.Prompt, r.Seed, r.Model, r.Parameters);
            });
        }

        // Lose the database: everything comes back from the files' infotext, in the same order.
        File.Delete(Path.Combine(paths.DataDir, "webui.db"));
        using (var host = HistoryHost.Open(settings, paths))
        {
            var report = host.Reconciler.Run();
            Assert.True(report.Rebuilt);
            Assert.Equal(4, report.Added);
            var history = host.Service;
            var rebuilt = history.Query(HistoryQuery.All with { IncludeGrids = true }, 0, 10).Items.Select(i => history.Get(i.Id)!).ToList();
            Assert.Equal(paths1, rebuilt.Select(r => r.Path));
            foreach (var r in rebuilt)
            {
                var (prompt, seed, model, parameters) = before[r.Path];
                Assert.Equal((prompt, seed, model), (r.Prompt, r.Seed, r.Model));
                Assert.Equal(parameters, r.Parameters);
            }
            Assert.Equal(2, history.Query(new HistoryQuery { Text = "lighthouse" }, 0, 10).Total);
        }
    }
}
