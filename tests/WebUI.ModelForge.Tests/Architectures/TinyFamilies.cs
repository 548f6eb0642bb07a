namespace WebUI.ModelForge.Tests.Architectures;

/// <summary>Builds each tiny family once per test run (they are deterministic), in one temp directory.</summary>
public sealed class TinyFamilies : IDisposable
{
    readonly TempDir _dir = new();
    readonly Dictionary<string, string> _built = [];
    readonly Lock _gate = new();

    public string Sd15(TinyDialect dialect) => Get("sd15-" + dialect, d => TinyModels.BuildSd15(d, dialect));

    public string Sd21V() => Get("sd21v", d => TinyModels.BuildSd21V(d));

    string Get(string key, Func<string, string> build)
    {
        lock (_gate)
        {
            if (!_built.TryGetValue(key, out var path)) _built[key] = path = build(_dir.Sub(key));
            return path;
        }
    }

    public void Dispose() => _dir.Dispose();
}

[CollectionDefinition(Name)]
public sealed class TinyFamiliesCollection : ICollectionFixture<TinyFamilies>
{
    public const string Name = "tiny families";
}
