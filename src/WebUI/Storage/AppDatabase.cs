using LiteDB;

namespace WebUI.Storage;

/// <summary>
/// The app's one LiteDB database (<c>&lt;data&gt;/webui.db</c>), registered as a singleton. Every store (job queue,
/// history index, settings) takes its collections from here: two LiteDatabase instances on one file with
/// Connection=direct silently lose writes (stack.md §6), so nothing else may open the file.
/// </summary>
public sealed class AppDatabase : IDisposable
{
    public AppDatabase(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        // A mapper of its own: LiteDB's global BsonMapper builds entity maps lazily and two databases opened at once
        // (two hosts in one test process) can see a half-built map ("Member State not found on BsonMapper").
        Db = new LiteDatabase(new ConnectionString { Filename = Path, Connection = ConnectionType.Direct }, new BsonMapper()) { UtcDate = true };
    }

    public string Path { get; }
    public LiteDatabase Db { get; }

    public void Dispose() => Db.Dispose();
}
