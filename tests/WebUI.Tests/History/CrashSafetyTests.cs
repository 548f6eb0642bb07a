using System.Diagnostics;
using WebUI.Diffusion.Imaging;
using WebUI.History;
using WebUI.Tests.Support;

namespace WebUI.Tests.History;

/// <summary>
/// A `webui generate` process killed while it writes pictures leaves only whole pictures with their infotext under real
/// names (at most hidden temp files, which reconcile later removes).
/// </summary>
[Collection(DemoDataDirCollection.Name)]
public sealed class CrashSafetyTests(DemoDataDir demo)
{
    [Fact]
    public async Task Killing_the_generator_mid_write_never_leaves_half_a_picture_under_a_real_name()
    {
        using var dir = new TempDirectory();
        // Round 1 is killed the moment a temp file shows up (the process is inside a write), round 2 at a fixed time.
        await RunAndKill(dir.Path, whenWriting: true);
        await RunAndKill(dir.Path, whenWriting: false);

        var (settings, paths) = HistoryTestData.Data(dir, demo.Paths.ModelsDir);
        string[] pictures = Directory.GetFiles(paths.OutputsDir, "*.png", SearchOption.AllDirectories);
        Assert.True(pictures.Length >= 4, $"only {pictures.Length} pictures were written before the kills");
        foreach (string file in pictures)
        {
            byte[] bytes = File.ReadAllBytes(file);
            using var image = ImageInput.Load(bytes); // decodes completely
            Assert.Equal((128, 128), (image.Width, image.Height));
            string? infotext = PngText.ReadParameters(bytes);
            Assert.NotNull(infotext);
            Assert.StartsWith("a lighthouse in a storm\n", infotext);
            Assert.Contains("Size: 128x128", infotext);
        }
        // Anything else in the folders is a hidden temp file, never a real name.
        foreach (string other in Directory.GetFiles(paths.OutputsDir, "*", SearchOption.AllDirectories).Except(pictures))
            Assert.True(OutputWriter.IsTempFile(Path.GetFileName(other)), $"unexpected file {other}");

        using var host = HistoryHost.Open(settings, paths);
        var report = host.Reconciler.Run();
        Assert.Equal((pictures.Length, 0), (report.Added, report.Skipped));
    }

    async Task RunAndKill(string dataDir, bool whenWriting)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "webui.dll"), "generate", "--data-dir", dataDir, "--prompt", "a lighthouse in a storm",
            "--steps", "1", "--width", "128", "--height", "128", "--batch-count", "60", "--seed", "1",
        }) start.ArgumentList.Add(arg);
        // The demo model is shared with the other tests; settings may name an absolute models folder.
        start.Environment["WebUI__ModelsDir"] = demo.Paths.ModelsDir;
        start.Environment["ORT_DISABLE_TELEMETRY"] = "1";

        using var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        string outputs = Path.Combine(dataDir, "outputs");
        // A generous deadline: on a loaded 2-core runner the child's start (JIT, model load) alone can take many seconds.
        // The loop ends as soon as its condition holds (or the generator is done), so the deadline costs nothing.
        var deadline = TimeSpan.FromMinutes(3);
        var clock = Stopwatch.StartNew();
        int before = Count(outputs, "*.png");
        bool reached = false, timedOut = false;
        try
        {
            while (!process.HasExited && clock.Elapsed < deadline)
            {
                int written = Count(outputs, "*.png") - before;
                if (whenWriting ? written >= 2 && Count(outputs, ".*.tmp") > 0 : written >= 3) { reached = true; break; }
                await Task.Delay(whenWriting ? 0 : 20);
            }
            timedOut = !reached && !process.HasExited;
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        Assert.False(timedOut, $"the generator did not write its pictures within {deadline.TotalMinutes} minutes");
    }

    static int Count(string folder, string pattern) =>
        Directory.Exists(folder) ? Directory.EnumerateFiles(folder, pattern, SearchOption.AllDirectories).Count() : 0;
}
