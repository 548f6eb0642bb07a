using LiteDB;

namespace WebUI.Storage;

/// <summary>
/// The app's one LiteDB database (<c>&lt;data&gt;/webui.db</c>), registered as a singleton. Every store (job queue,
/// history index, settings) takes its collections from here: two LiteDatabase instances on one file with
/// Connection=direct silently lose writes (stack.md §6), so nothing else may open the file.
/// </summary>
public sealed class AppDatabase : IDisposable
{
    /// <summary>The usual file name inside the data directory.</summary>
    public const string FileName = "webui.db";

    // LiteDB's direct mode does not stop a second process (a CLI verb beside a running server) from opening the file,
    // and then both lose writes (measured). An exclusive lock file next to it makes the second opener fail clearly.
    readonly FileStream _lock;

    public AppDatabase(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        try
        {
            _lock = new FileStream(Path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException e)
        {
            throw new IOException($"The database {Path} is in use by another webui process (a running server?). Stop it or use its web UI.", e);
        }
        try
        {
            // A mapper of its own: LiteDB's global BsonMapper builds entity maps lazily and two databases opened at once
            // (two hosts in one test process) can see a half-built map ("Member State not found on BsonMapper").
            Db = new LiteDatabase(new ConnectionString { Filename = Path, Connection = ConnectionType.Direct }, new BsonMapper()) { UtcDate = true };
        }
        catch
        {
            _lock.Dispose();
            throw;
        }
    }

    /// <summary>The database in <paramref name="dataDirectory"/> under the usual name.</summary>
    public static AppDatabase OpenIn(string dataDirectory) => new(System.IO.Path.Combine(dataDirectory, FileName));

    public string Path { get; }
    public LiteDatabase Db { get; }

    public void Dispose()
    {
        Db.Dispose();
        _lock.Dispose();
    }
}
