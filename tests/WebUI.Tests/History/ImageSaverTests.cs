using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using WebUI.Diffusion.Imaging;
using WebUI.History;
using WebUI.Tests.Support;

namespace WebUI.Tests.History;

public sealed class ImageSaverTests
{
    sealed class RecordingSink : ISavedImageSink
    {
        public List<(string Path, string Kind, int Width, int Height, DateTime Created, string? User, Rgb24 Corner)> Saved { get; } = [];

        public void OnSaved(SavedImage image) =>
            Saved.Add((image.Path, image.Kind, image.Width, image.Height, image.CreatedUtc, image.User, image.Pixels[0, 0]));
    }

    static string Today => DateTime.Now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public void Saves_like_A1111_dated_folders_numbers_and_a_grid_for_batches()
    {
        using var dir = new TempDirectory();
        var (settings, paths) = HistoryTestData.Data(dir);
        var sink = new RecordingSink();
        var saver = new ImageSaver(paths, settings.Saving, sink);

        var single = saver.Save(HistoryTestData.Result("a cat", 100, 1), OutputTarget.Default, user: "alice");
        Assert.Null(single.Grid); // grid_only_if_multiple
        Assert.Equal(Path.Combine(paths.OutputsDir, "txt2img-images", Today, "00000-100.png"), Assert.Single(single.Images).Path);

        var batch = saver.Save(HistoryTestData.Result("a dog", 200, 4), OutputTarget.Default);
        Assert.Equal(["00001-200.png", "00002-201.png", "00003-202.png", "00004-203.png"], batch.Images.Select(i => Path.GetFileName(i.Path)));
        Assert.NotNull(batch.Grid);
        Assert.Equal(Path.Combine(paths.OutputsDir, "txt2img-grids", Today, "grid-0000.png"), batch.Grid.Path);
        // 4 images → round(√4) = 2 rows of 2 cells of 64x64; the grid carries the first image's infotext.
        var gridBytes = File.ReadAllBytes(batch.Grid.Path);
        var info = Image.Identify(gridBytes);
        Assert.Equal((128, 128), (info.Width, info.Height));
        Assert.Equal(HistoryTestData.Infotext("a dog", 200), PngText.ReadParameters(gridBytes));

        // Every image keeps the engine's parameters chunk; params.txt holds the last job's first infotext.
        foreach (var saved in batch.Images) Assert.Equal(saved.Infotext, PngText.ReadParameters(File.ReadAllBytes(saved.Path)));
        Assert.Equal(HistoryTestData.Infotext("a dog", 200), File.ReadAllText(paths.ParamsFile));

        Assert.Equal(6, sink.Saved.Count);
        Assert.Equal([ImageKinds.Txt2Img, ImageKinds.Txt2Img, ImageKinds.Txt2Img, ImageKinds.Txt2Img, ImageKinds.Txt2Img, ImageKinds.Grid], sink.Saved.Select(s => s.Kind));
        Assert.Equal("alice", sink.Saved[0].User);
        // The file's modification time is the recorded creation time, so a rebuilt index sorts the same.
        foreach (var s in sink.Saved) Assert.Equal(s.Created, File.GetLastWriteTimeUtc(s.Path));
        Assert.Empty(Directory.GetFiles(paths.OutputsDir, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void Img2img_pictures_go_to_their_own_folders()
    {
        using var dir = new TempDirectory();
        var (settings, paths) = HistoryTestData.Data(dir);
        var saver = new ImageSaver(paths, settings.Saving);
        var result = saver.Save(HistoryTestData.Result("a cat", 5, 2, initImage: HistoryTestData.Png(64, 64, null)), OutputTarget.Default);
        Assert.All(result.Images, i => Assert.Equal(Path.Combine(paths.OutputsDir, "img2img-images", Today), Path.GetDirectoryName(i.Path)));
        Assert.Equal(Path.Combine(paths.OutputsDir, "img2img-grids", Today), Path.GetDirectoryName(result.Grid!.Path));
    }

    [Theory]
    [InlineData("jpg", ".jpg")]
    [InlineData("webp", ".webp")]
    public void Jpeg_and_webp_carry_the_infotext_in_exif(string format, string extension)
    {
        using var dir = new TempDirectory();
        var (settings, paths) = HistoryTestData.Data(dir);
        settings.Saving.SamplesFormat = format;
        var saved = Assert.Single(new ImageSaver(paths, settings.Saving).Save(HistoryTestData.Result("a fox in snow", 9, 1), OutputTarget.Default).Images);
        Assert.Equal(extension, Path.GetExtension(saved.Path));
        var bytes = File.ReadAllBytes(saved.Path);
        Assert.Equal(HistoryTestData.Infotext("a fox in snow", 9), PngText.ReadParameters(bytes));
        Assert.Equal(format == "jpg" ? "JPEG" : "WEBP", ImageFileReader.Read(saved.Path).Format);
    }

    [Fact]
    public void Patterns_folders_and_numbering_follow_the_settings()
    {
        using var dir = new TempDirectory();
        var (settings, paths) = HistoryTestData.Data(dir);
        var s = settings.Saving;
        s.SamplesFilenamePattern = "[seed]-[prompt_words]";
        s.DirectoriesFilenamePattern = "[model_name]/[date]";
        s.GridSave = false;
        var saver = new ImageSaver(paths, s);
        var first = Assert.Single(saver.Save(HistoryTestData.Result("a red house", 7, 1), OutputTarget.Default).Images);
        Assert.Equal(Path.Combine(paths.OutputsDir, "txt2img-images", "demo", Today, "00000-7-a red house.png"), first.Path);

        s.SaveImagesAddNumber = false;
        s.SaveImagesReplaceAction = "Add number suffix";
        var again = saver.Save(HistoryTestData.Result("a red house", 7, 1), OutputTarget.Default).Images[0];
        var third = saver.Save(HistoryTestData.Result("a red house", 7, 1), OutputTarget.Default).Images[0];
        Assert.Equal("7-a red house.png", Path.GetFileName(again.Path));
        Assert.Equal("7-a red house-1.png", Path.GetFileName(third.Path));

        s.SaveTxt = true;
        var withTxt = saver.Save(HistoryTestData.Result("a blue car", 8, 1), OutputTarget.Default).Images[0];
        Assert.Equal(withTxt.Infotext, File.ReadAllText(Path.ChangeExtension(withTxt.Path, ".txt")));

        s.DirectoriesFilenamePattern = "../../escape";
        Assert.Throws<ArgumentException>(() => saver.Save(HistoryTestData.Result("x", 1, 1), OutputTarget.Default));
    }

    [Fact]
    public void Cli_targets_keep_their_names_and_write_no_grid()
    {
        using var dir = new TempDirectory();
        var (settings, paths) = HistoryTestData.Data(dir);
        var saver = new ImageSaver(paths, settings.Saving);
        var intoFolder = saver.Save(HistoryTestData.Result("x", 3, 2), OutputTarget.Folder(dir.Combine("out")));
        Assert.Equal([dir.Combine("out", "00000-3.png"), dir.Combine("out", "00001-4.png")], intoFolder.Images.Select(i => i.Path));
        Assert.Null(intoFolder.Grid);
        var asFile = saver.Save(HistoryTestData.Result("x", 3, 2), OutputTarget.File(dir.Combine("named.png")));
        Assert.Equal([dir.Combine("named.png"), dir.Combine("named-1.png")], asFile.Images.Select(i => i.Path));
        Assert.Same(SaveResult.Empty, saver.Save(HistoryTestData.Result("x", 3, 2), OutputTarget.None));
        Assert.False(Directory.Exists(paths.OutputsDir));
    }

    [Fact]
    public void A_job_can_save_with_its_own_settings_into_the_same_index()
    {
        using var dir = new TempDirectory();
        var (settings, paths) = HistoryTestData.Data(dir);
        var sink = new RecordingSink();
        var saver = new ImageSaver(paths, settings.Saving, sink);
        var jobOptions = saver.Options.Clone();
        jobOptions.SamplesFormat = "webp";
        jobOptions.OutdirTxt2ImgSamples = "api-out";
        var saved = Assert.Single(saver.With(jobOptions).Save(HistoryTestData.Result("x", 4, 1), OutputTarget.Default).Images);
        Assert.Equal(Path.Combine(paths.DataDir, "api-out", Today, "00000-4.webp"), saved.Path);
        Assert.Equal("png", settings.Saving.SamplesFormat); // the live settings are untouched
        Assert.Equal(saved.Path, Assert.Single(sink.Saved).Path);
    }

    [Theory]
    [InlineData(4, 4, -1, false, 2)]
    [InlineData(3, 3, -1, false, 2)]
    [InlineData(6, 6, -1, false, 2)]
    [InlineData(6, 6, -1, true, 2)]
    [InlineData(7, 7, -1, true, 1)]
    [InlineData(8, 4, 0, false, 4)]
    [InlineData(2, 2, 5, false, 2)]
    public void Grid_rows_follow_A1111(int count, int batchSize, int setting, bool preventEmpty, int rows)
    {
        Assert.Equal(rows, ImageGrid.Rows(count, batchSize, setting, preventEmpty));
    }
}
