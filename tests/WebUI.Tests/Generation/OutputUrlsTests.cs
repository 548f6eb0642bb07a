using WebUI.Generation;
using WebUI.Hosting;
using WebUI.Tests.Support;

namespace WebUI.Tests.Generation;

public sealed class OutputUrlsTests
{
    [Fact]
    public void Urls_round_trip_for_files_under_outputs_and_nothing_else_resolves()
    {
        using var dir = new TempDirectory();
        var paths = WebUIPaths.From(new WebUISettings { DataDir = dir.Path });
        string folder = Path.Combine(paths.Txt2ImgDir, "2024-01-02");
        Directory.CreateDirectory(folder);
        string file = Path.Combine(folder, "00000-1 a.png");
        File.WriteAllBytes(file, [1]);
        File.WriteAllText(Path.Combine(paths.OutputsDir, "notes.txt"), "");
        File.WriteAllBytes(Path.Combine(paths.DataDir, "outside.png"), [1]);

        string url = OutputUrls.For(paths, file)!;
        Assert.Equal("/outputs/txt2img-images/2024-01-02/00000-1%20a.png", url);
        Assert.Equal(file, OutputUrls.Resolve(paths, "txt2img-images/2024-01-02/00000-1 a.png"));

        Assert.Null(OutputUrls.For(paths, Path.Combine(paths.DataDir, "outside.png")));
        Assert.Null(OutputUrls.Resolve(paths, "../outside.png"));
        Assert.Null(OutputUrls.Resolve(paths, "txt2img-images/../../outside.png"));
        Assert.Null(OutputUrls.Resolve(paths, Path.Combine(paths.DataDir, "outside.png")));
        Assert.Null(OutputUrls.Resolve(paths, "notes.txt"));
        Assert.Null(OutputUrls.Resolve(paths, "txt2img-images/2024-01-02/missing.png"));
    }
}
