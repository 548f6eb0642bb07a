using System.Text.Json;
using WebUI.Storage;
using WebUI.Tests.Support;

namespace WebUI.Tests.History;

public sealed class HistoryCliTests
{
    [Fact]
    public async Task Reconcile_then_list_finds_pictures_by_prompt_words_newest_first()
    {
        using var dir = new TempDirectory();
        string folder = dir.Combine("outputs", "txt2img-images", "2024-05-05");
        for (int i = 0; i < 4; i++)
        {
            string file = HistoryTestData.Write(Path.Combine(folder, $"{i:00000}-{i}.png"),
                HistoryTestData.Png(32, 32, HistoryTestData.Infotext(i % 2 == 0 ? $"a sailing boat {i}" : $"a mountain hut {i}", i), i));
            File.SetLastWriteTimeUtc(file, new DateTime(2024, 5, 5, 10, 0, i, DateTimeKind.Utc));
        }
        HistoryTestData.Write(Path.Combine(folder, "broken.png"), [1, 2, 3]);

        var reconcile = await CliRunner.RunAsync("history", "reconcile", "--data-dir", dir.Path);
        Assert.True(reconcile.ExitCode == 0, reconcile.Error);
        Assert.Contains("5 pictures scanned", reconcile.Out);
        Assert.Contains("4 added", reconcile.Out);
        Assert.Contains("1 not pictures", reconcile.Out);

        var list = await CliRunner.RunAsync("history", "list", "--data-dir", dir.Path, "--query", "sail", "--json");
        Assert.True(list.ExitCode == 0, list.Error);
        using var json = JsonDocument.Parse(list.Out);
        var items = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(["a sailing boat 2", "a sailing boat 0"], items.Select(e => e.GetProperty("prompt").GetString()));
        Assert.Equal(2, items[0].GetProperty("seed").GetInt64());
        Assert.Equal("Karras", items[0].GetProperty("parameters").GetProperty("Schedule type").GetString());
        Assert.Equal(Path.Combine(folder, "00002-2.png"), items[0].GetProperty("path").GetString());

        var text = await CliRunner.RunAsync("history", "list", "--data-dir", dir.Path, "--limit", "1");
        Assert.Contains("a mountain hut 3", Assert.Single(text.OutLines));
        Assert.Equal(2, (await CliRunner.RunAsync("history", "list", "--data-dir", dir.Path, "--limit", "0")).ExitCode);
    }

    [Fact]
    public async Task List_rebuilds_a_missing_index_and_refuses_a_database_held_by_a_server()
    {
        using var dir = new TempDirectory();
        HistoryTestData.Write(dir.Combine("outputs", "txt2img-images", "2024-05-05", "00000-1.png"),
            HistoryTestData.Png(32, 32, HistoryTestData.Infotext("an old windmill", 1)));
        var list = await CliRunner.RunAsync("history", "list", "--data-dir", dir.Path, "--query", "windmill");
        Assert.True(list.ExitCode == 0, list.Error);
        Assert.Contains("rebuilding it from the files", list.Error);
        Assert.Contains("an old windmill", Assert.Single(list.OutLines));

        using (AppDatabase.OpenIn(dir.Path)) // what a running server holds
        {
            var refused = await CliRunner.RunAsync("history", "list", "--data-dir", dir.Path);
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("in use by another webui process", refused.Error);
        }
    }
}
