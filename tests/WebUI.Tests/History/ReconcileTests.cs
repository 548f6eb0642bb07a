using LiteDB;
using WebUI.History;
using WebUI.Tests.Support;

namespace WebUI.Tests.History;

/// <summary>Reconcile and rebuild on a real LiteDB file, with pictures written by hand (A1111-style files included).</summary>
public sealed class ReconcileTests
{
    [Fact]
    public void Indexes_copied_in_pictures_skips_and_counts_broken_ones_and_drops_vanished_entries()
    {
        using var dir = new TempDirectory();
        var (settings, paths) = HistoryTestData.Data(dir);
        string extra = dir.Combine("old-a1111", "outputs");
        settings.History.ExtraFolders.Add(extra);

        // An A1111 picture copied into an extra folder, a JPEG with EXIF infotext, a picture without infotext.
        string a1111 = HistoryTestData.Write(Path.Combine(extra, "txt2img-images", "2023-05-01", "00012-1234567890.png"),
            HistoryTestData.Png(64, 96, HistoryTestData.Infotext("masterpiece, (castle:1.2) on a hill", 1234567890, "lowres, blurry", 64, 96, "v1-5-pruned-emaonly", "Euler a", 30)));
        using (var px = HistoryTestData.Pixels(32, 32, 1))
            HistoryTestData.Write(Path.Combine(paths.Txt2ImgDir, "2024-01-01", "00001-5.jpg"),
                WebUI.Diffusion.Imaging.PngText.EncodeJpeg(px, HistoryTestData.Infotext("a jpeg lighthouse", 5, width: 32, height: 32)));
        HistoryTestData.Write(Path.Combine(extra, "downloads", "plain.png"), HistoryTestData.Png(16, 16, null));
        // Broken: text with a picture name, a truncated PNG, random bytes as WebP; ignored: a .txt file, a hidden folder.
        HistoryTestData.Write(Path.Combine(paths.Txt2ImgDir, "notes.png"), "not a picture"u8.ToArray());
        byte[] whole = HistoryTestData.Png(64, 64, HistoryTestData.Infotext("cut", 1));
        HistoryTestData.Write(Path.Combine(paths.Txt2ImgDir, "cut.png"), whole[..(whole.Length - 20)]);
        HistoryTestData.Write(Path.Combine(paths.Txt2ImgDir, "noise.webp"), [.. "RIFF"u8, 200, 0, 0, 0, .. "WEBPVP8 "u8, 1, 2, 3]);
        HistoryTestData.Write(Path.Combine(paths.Txt2ImgDir, "00001-5.txt"), "infotext"u8.ToArray());
        HistoryTestData.Write(Path.Combine(paths.OutputsDir, ".recycle", "x", "hidden.png"), HistoryTestData.Png(8, 8, null));

        using var host = HistoryHost.Open(settings, paths);
        var report = host.Reconciler.Run();
        Assert.True(report.Rebuilt); // a fresh database has no index yet
        Assert.Equal((6, 3, 0, 0), (report.Scanned, report.Added, report.Updated, report.Removed));
        Assert.Equal((1, 2, 0, 1), (report.SkippedNotImage, report.SkippedCorrupt, report.SkippedUnreadable, report.OtherFiles));

        var castle = host.Store.FindByPath(a1111)!;
        Assert.Equal(("masterpiece, (castle:1.2) on a hill", "lowres, blurry"), (castle.Prompt, castle.NegativePrompt));
        Assert.Equal(("v1-5-pruned-emaonly", "0123456789", "Euler a", "Karras", 30, 7.0, 1234567890L), (castle.Model, castle.ModelHash, castle.Sampler, castle.Scheduler, castle.Steps, castle.CfgScale, castle.Seed));
        Assert.Equal((64, 96, ImageKinds.Txt2Img, "PNG"), (castle.Width, castle.Height, castle.Kind, castle.Format));
        Assert.Equal("64", castle.Parameters["Size-1"]);
        Assert.Equal("v1.10.1", castle.Parameters["Version"]);
        Assert.False(castle.Parameters.ContainsKey("Mask mode")); // parser defaults are not stored
        Assert.Equal(["masterpiece", "castle", "1", "2", "on", "a", "hill"], PromptWords.Of(castle.Prompt));
        Assert.Equal(File.GetLastWriteTimeUtc(a1111).Ticks / 10_000, castle.CreatedUtc.Ticks / 10_000);

        // Nothing changed: everything unchanged. Then a file goes, one changes, the extra folder is unplugged.
        var again = host.Reconciler.Run();
        Assert.Equal((0, 3, false), (again.Added, again.Unchanged, again.Rebuilt));
        File.Delete(Path.Combine(paths.Txt2ImgDir, "2024-01-01", "00001-5.jpg"));
        File.WriteAllBytes(a1111, HistoryTestData.Png(64, 96, HistoryTestData.Infotext("castle at night", 77)));
        File.SetLastWriteTimeUtc(a1111, DateTime.UtcNow.AddMinutes(1));
        host.Store.SetFavourite(castle.Id, true);
        var third = host.Reconciler.Run();
        Assert.Equal((0, 1, 1), (third.Added, third.Updated, third.Removed));
        var updated = host.Store.Get(castle.Id)!;
        Assert.Equal(("castle at night", 77L, true), (updated.Prompt, updated.Seed, updated.Favourite)); // re-read, favourite kept

        Directory.Move(extra, extra + "-unplugged");
        var fourth = host.Reconciler.Run();
        Assert.Equal(0, fourth.Removed); // a missing folder keeps its entries (an unplugged drive comes back)
        settings.History.ExtraFolders.Clear();
        Assert.Equal(2, host.Reconciler.Run().Removed); // a folder taken out of the settings loses them
        Assert.Equal(0, host.Store.Count);
    }

    [Fact]
    public void A_deleted_database_or_a_corrupt_collection_is_rebuilt_from_the_files()
    {
        using var dir = new TempDirectory();
        var (settings, paths) = HistoryTestData.Data(dir);
        for (int i = 0; i < 5; i++)
            HistoryTestData.Write(Path.Combine(paths.Txt2ImgDir, "2024-02-02", $"{i:00000}-{i}.png"), HistoryTestData.Png(32, 32, HistoryTestData.Infotext($"tree number {i}", i), i));
        string dbFile = Path.Combine(paths.DataDir, "webui.db");
        using (var host = HistoryHost.Open(settings, paths))
            Assert.Equal(5, host.Reconciler.Run().Added);

        // A document the mapper cannot read (a string where a number belongs) makes the collection unreadable.
        using (var raw = new LiteDatabase(new ConnectionString { Filename = dbFile, Connection = ConnectionType.Direct }))
        {
            var doc = raw.GetCollection(HistoryStore.CollectionName).FindAll().First();
            doc["Width"] = "very wide";
            raw.GetCollection(HistoryStore.CollectionName).Update(doc);
        }
        using (var host = HistoryHost.Open(settings, paths))
        {
            host.Store.EnsureOpen();
            Assert.True(host.Store.NeedsRebuild);
            Assert.Equal(0, host.Store.Count);
            var report = host.Reconciler.Run();
            Assert.True(report.Rebuilt);
            Assert.Equal(5, report.Added);
            Assert.Equal(5, host.Service.Query(HistoryQuery.All, 0, 10).Total);
        }

        File.Delete(dbFile);
        using (var host = HistoryHost.Open(settings, paths))
        {
            Assert.Equal(5, host.Reconciler.Run().Added);
            var page = host.Service.Query(new HistoryQuery { Text = "number" }, 0, 10);
            Assert.Equal(5, page.Total);
            // Newest first: the file times are the creation times.
            Assert.Equal(page.Items.OrderByDescending(i => i.CreatedUtc).Select(i => i.Id), page.Items.Select(i => i.Id));
        }
    }

    [Fact]
    public void Stale_temp_files_and_old_recycled_pictures_are_cleaned_up()
    {
        using var dir = new TempDirectory();
        var (settings, paths) = HistoryTestData.Data(dir);
        string folder = Path.Combine(paths.Txt2ImgDir, "2024-03-03");
        string stale = HistoryTestData.Write(Path.Combine(folder, ".00001-5.png.0a1b2c3d.tmp"), [1, 2, 3]);
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-1));
        string fresh = HistoryTestData.Write(Path.Combine(folder, ".00002-5.png.0a1b2c3e.tmp"), [1, 2, 3]);
        var bin = new RecycleBin(paths.OutputsDir);
        string old = HistoryTestData.Write(Path.Combine(folder, "00000-1.png"), HistoryTestData.Png(8, 8, null));
        var item = bin.Recycle(old, new RecycleNote(old, DateTime.UtcNow.AddDays(-40), DateTime.UtcNow.AddDays(-41), false, [], ""));

        using var host = HistoryHost.Open(settings, paths);
        var report = host.Reconciler.Run();
        Assert.Equal((1, 1, 0), (report.TempFilesRemoved, report.RecyclePurged, report.Scanned));
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(fresh)); // may belong to a save in progress
        Assert.Null(bin.Find(item.Token));
    }
}
