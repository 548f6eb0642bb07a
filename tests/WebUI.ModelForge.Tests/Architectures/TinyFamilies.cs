namespace WebUI.ModelForge.Tests.Architectures;

/// <summary>Builds each tiny family once per test run (they are deterministic), in one temp directory.</summary>
public sealed class TinyFamilies : IDisposable
{
    readonly TempDir _dir = new();
    readonly Dictionary<string, string> _built = [];
    readonly Lock _gate = new();

    public string Sd15(TinyDialect dialect) => Get("sd15-" + dialect, d => TinyModels.BuildSd15(d, dialect));

    public string Sd21V() => Get("sd21v", d => TinyModels.BuildSd21V(d));

    public string Sdxl(bool refiner = false) => Get(refiner ? "sdxl-refiner" : "sdxl", d => TinyModels.BuildSdxl(d, refiner: refiner));

    public string SdxlTurbo() => Get("sdxl-turbo", d => TinyModels.BuildSdxlTurbo(d));

    public string SdTurbo() => Get("sd-turbo", d => TinyModels.BuildSdTurbo(d));

    public string Lcm() => Get("lcm", d => TinyModels.BuildLcm(d));

    public string Sd15Inpaint(TinyDialect dialect) => Get("inpaint-" + dialect, d => TinyModels.BuildSd15Inpaint(d, dialect));

    public string StandaloneVae() => Get("vae", d => TinyModels.BuildStandaloneVae(d));

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
