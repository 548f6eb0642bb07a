namespace WebUI.History;

/// <summary>
/// The image history's settings, bound from <c>WebUI:History</c>. Like <see cref="SavingOptions"/> this is a live
/// singleton; <see cref="ExtraFolders"/> changes take effect at the next reconcile.
/// </summary>
public sealed class HistoryOptions
{
    /// <summary>
    /// More folders whose pictures the history shows (an old A1111 outputs folder, a download folder...), absolute or
    /// relative to the data directory. They are indexed and served, never written to.
    /// </summary>
    public List<string> ExtraFolders { get; set; } = [];

    /// <summary>Compare the folders with the index in the background when the server starts.</summary>
    public bool ReconcileOnStart { get; set; } = true;

    /// <summary>Index pictures that other programs (or `webui generate`) put into the folders while the server runs.</summary>
    public bool WatchFolders { get; set; } = true;

    /// <summary>Longest side of the cached thumbnails, in pixels.</summary>
    public int ThumbnailSize { get; set; } = 256;

    /// <summary>"webp" or "jpeg".</summary>
    public string ThumbnailFormat { get; set; } = "webp";

    /// <summary>Deleted pictures stay in &lt;outputs&gt;/.recycle/ this many days (undo), then are purged at the next reconcile.</summary>
    public int RecycleRetentionDays { get; set; } = 30;

    public void Validate()
    {
        if (ThumbnailSize is < 32 or > 1024)
            throw new ArgumentException($"Setting History:ThumbnailSize must be 32..1024, got {ThumbnailSize}.");
        if (ThumbnailFormat is not ("webp" or "jpeg"))
            throw new ArgumentException($"Setting History:ThumbnailFormat must be \"webp\" or \"jpeg\", got \"{ThumbnailFormat}\".");
        if (RecycleRetentionDays < 0)
            throw new ArgumentException($"Setting History:RecycleRetentionDays must be 0 or more, got {RecycleRetentionDays}.");
    }
}
