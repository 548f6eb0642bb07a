using WebUI.Hosting;

namespace WebUI.Tests.Support;

/// <summary>
/// One temp data dir with the demo model built once, shared by the tests that run real generations
/// (building it per test would cost seconds each).
/// </summary>
public sealed class DemoDataDir : IDisposable
{
    readonly TempDirectory _dir = new("webui-data");

    public DemoDataDir()
    {
        Paths = WebUIPaths.From(new WebUISettings { DataDir = _dir.Path });
        DemoModelBootstrap.EnsureDemo(Paths, _ => { });
    }

    public string Path => _dir.Path;
    public WebUIPaths Paths { get; }

    public void Dispose() => _dir.Dispose();
}

[CollectionDefinition(Name)]
public sealed class DemoDataDirCollection : ICollectionFixture<DemoDataDir>
{
    public const string Name = "demo data dir";
}
