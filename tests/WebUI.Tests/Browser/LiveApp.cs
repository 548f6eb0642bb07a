using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WebUI.Hosting;
using WebUI.Queue;

namespace WebUI.Tests.Browser;

/// <summary>
/// The real app (Program → web host, demo model, queue, worker) on a loopback Kestrel port, for a browser to drive.
/// Two instances on the same data dir one after the other model a restart.
/// </summary>
public sealed class LiveApp : WebApplicationFactory<Program>
{
    readonly string _dataDir;

    public LiveApp(string dataDir)
    {
        _dataDir = dataDir;
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        BaseUrl = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
    }

    public string BaseUrl { get; }
    public IJobQueue Queue => Services.GetRequiredService<IJobQueue>();

    // The demo checkpoint is built once per test run and copied into each data dir (building it takes seconds).
    static readonly Lazy<string> DemoTemplate = new(() =>
    {
        string dir = Path.Combine(Path.GetTempPath(), $"webui-demo-template-{Environment.ProcessId}");
        var paths = WebUIPaths.From(new WebUISettings { DataDir = dir });
        DemoModelBootstrap.EnsureDemo(paths, _ => { });
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(dir, recursive: true); }
            catch (IOException) { }
        };
        return paths.DemoModelDir;
    });

    /// <summary>
    /// A data dir the browser tests start from: the demo checkpoint, small pictures and few steps (fast on two cores),
    /// a preview at every step. The settings are written as the Settings tab would write them, before the app starts.
    /// </summary>
    public static void PrepareDataDir(string dataDir, int steps = 12)
    {
        Directory.CreateDirectory(dataDir);
        var paths = WebUIPaths.From(new WebUISettings { DataDir = dataDir });
        if (!Directory.Exists(paths.DemoModelDir)) CopyDirectory(DemoTemplate.Value, paths.DemoModelDir);
        File.WriteAllText(Path.Combine(dataDir, "settings.json"), $$"""
            { "WebUI": { "DefaultWidth": 256, "DefaultHeight": 256, "DefaultSteps": {{steps}}, "DefaultSampler": "Euler",
                         "PreviewMethod": "Approx cheap", "PreviewEveryNSteps": 1 } }
            """);
    }

    static void CopyDirectory(string from, string to)
    {
        foreach (string dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        Directory.CreateDirectory(to);
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("WebUI:DataDir", _dataDir);
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }
}
