using WebUI.ModelForge.Demo;

namespace WebUI.Hosting;

/// <summary>
/// Builds the built-in demo checkpoint on first start, so a fresh install generates pictures without downloads.
/// It is built outside Stable-diffusion/ and moved in when complete: the checkpoint list never shows a half-written model,
/// and a killed first start leaves nothing that looks usable.
/// </summary>
public static class DemoModelBootstrap
{
    public const string DemoName = "demo";
    static readonly object Gate = new();

    /// <summary>Returns true when it had to build the model.</summary>
    public static bool EnsureDemo(WebUIPaths paths, Action<string> log)
    {
        lock (Gate)
        {
            if (Directory.Exists(paths.DemoModelDir)) return false;
            log($"Building the built-in demo model in {paths.DemoModelDir} (first start, takes a few seconds)...");
            var started = System.Diagnostics.Stopwatch.StartNew();
            Directory.CreateDirectory(paths.CheckpointsDir);
            string staging = Path.Combine(paths.ModelsDir, $".building-{DemoName}-{Guid.NewGuid():N}");
            try
            {
                DemoModel.Build(staging);
                Directory.Move(staging, paths.DemoModelDir);
            }
            catch when (Directory.Exists(paths.DemoModelDir))
            {
                // Another process finished first; its copy is as good as ours.
            }
            finally
            {
                if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            }
            log($"Demo model ready ({started.Elapsed.TotalSeconds:0.0} s).");
            return true;
        }
    }
}

/// <summary>Runs <see cref="DemoModelBootstrap"/> before the server takes requests, so the first page lists the demo.</summary>
sealed class DemoModelStartup(WebUIPaths paths, ILogger<DemoModelStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        DemoModelBootstrap.EnsureDemo(paths, message => logger.LogInformation("{Message}", message));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
