using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using WebUI.Hosting;
using WebUI.Tests.Support;

namespace WebUI.Tests.Api;

/// <summary>
/// The real host on its own data dir, sharing one models folder with the demo checkpoint built once for all API
/// tests (an absolute WebUI:ModelsDir), so each host starts in well under a second.
/// </summary>
public class ApiFactory : WebApplicationFactory<Program>
{
    static readonly Lazy<TempDirectory> SharedModels = new(() =>
    {
        var dir = new TempDirectory("webui-api-models");
        DemoModelBootstrap.EnsureDemo(new WebUIPaths(dir.Path, dir.Path, Path.Combine(dir.Path, "outputs")), _ => { });
        return dir;
    });

    readonly TempDirectory _data = new("webui-api");
    readonly IReadOnlyDictionary<string, string> _settings;

    public ApiFactory() : this(new Dictionary<string, string>()) { }

    protected ApiFactory(IReadOnlyDictionary<string, string> settings) => _settings = settings;

    public string DataDir => _data.Path;
    public virtual string ModelsDir => SharedModels.Value.Path;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("WebUI:DataDir", _data.Path);
        builder.UseSetting("WebUI:ModelsDir", ModelsDir);
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _data.Dispose();
    }
}

/// <summary>
/// A host whose models folder holds a tiny SD 1.5 checkpoint in Optimum's layout (its text encoder exports every
/// layer's hidden state, so clip skip applies) and the tiny standalone VAE, built once for all tests that use it.
/// </summary>
public sealed class TinyApiFactory : ApiFactory
{
    public const string Checkpoint = "tiny-optimum-fp32";

    static readonly Lazy<TempDirectory> TinyModelsDir = new(() =>
    {
        var dir = new TempDirectory("webui-api-tiny");
        ModelForge.TinyModels.BuildSd15(Path.Combine(dir.Path, "Stable-diffusion", Checkpoint), ModelForge.TinyDialect.OptimumFp32);
        ModelForge.TinyModels.BuildStandaloneVae(Path.Combine(dir.Path, "VAE", ModelForge.TinyModels.StandaloneVaeName));
        return dir;
    });

    public override string ModelsDir => TinyModelsDir.Value.Path;
}

/// <summary>A host with --api-auth alice:secret,bob:pa:ss and --api-server-stop.</summary>
public sealed class AuthApiFactory() : ApiFactory(new Dictionary<string, string>
{
    ["WebUI:ApiAuth"] = "alice:secret,bob:pa:ss",
    ["WebUI:ApiServerStop"] = "true",
});

static class ApiHttp
{
    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent Json(object value) => Json(JsonSerializer.Serialize(value));

    public static async Task<JsonElement> ReadJson(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    public static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    /// <summary>Keys of a JSON object in document order.</summary>
    public static List<string> Keys(JsonElement obj) => obj.EnumerateObject().Select(p => p.Name).ToList();
}
