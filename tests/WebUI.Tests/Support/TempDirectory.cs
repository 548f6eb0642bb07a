namespace WebUI.Tests.Support;

/// <summary>A fresh folder under the system temp dir, deleted afterwards: tests never touch the repository's data/.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "webui-test")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
