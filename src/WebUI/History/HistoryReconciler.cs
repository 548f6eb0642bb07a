using System.Diagnostics;
using System.IO.Enumeration;

namespace WebUI.History;

/// <summary>Where a reconcile is.</summary>
public sealed record ReconcileProgress(string Phase, int Scanned, int Added, int Updated, int Removed, int Skipped, TimeSpan Elapsed);

/// <summary>What a reconcile did. Skipped* count files with a picture extension that could not be indexed.</summary>
public sealed record ReconcileReport(
    int Scanned, int Added, int Updated, int Removed, int Unchanged,
    int SkippedNotImage, int SkippedCorrupt, int SkippedUnreadable, int OtherFiles,
    int TempFilesRemoved, int RecyclePurged, int ThumbnailsPruned, bool Rebuilt, TimeSpan Elapsed)
{
    public int Skipped => SkippedNotImage + SkippedCorrupt + SkippedUnreadable;

    public override string ToString() =>
        $"{Scanned} pictures scanned in {Elapsed.TotalSeconds:0.00} s: {Added} added, {Updated} updated, {Removed} removed, "
        + $"{Unchanged} unchanged; skipped {Skipped} ({SkippedNotImage} not pictures, {SkippedCorrupt} corrupt, {SkippedUnreadable} unreadable); "
        + $"{OtherFiles} other files ignored; {TempFilesRemoved} stale temp files removed; {RecyclePurged} recycled pictures purged; "
        + $"{ThumbnailsPruned} unused thumbnails removed"
        + (Rebuilt ? "; index rebuilt from the files" : "");
}

/// <summary>
/// Brings the index in line with the folders: pictures not in the index are read and added (A1111 pictures copied in
/// included), changed ones re-read, entries whose file is gone dropped. Folders that do not exist right now (an
/// unplugged drive) keep their entries. Files that are not pictures, are corrupt or cannot be read are counted and
/// skipped. Also removes the saver's stale temp files and purges the recycle folder.
/// </summary>
public sealed class HistoryReconciler(HistoryStore store, HistoryRoots roots, RecycleBin recycle, HistoryOptions options, ILogger<HistoryReconciler>? logger = null)
{
    const int BatchSize = 500;
    static readonly TimeSpan StaleTempAge = TimeSpan.FromMinutes(10);

    readonly record struct FoundFile(string Path, long Size, long Ticks, bool IsTemp);

    public ReconcileReport Run(IProgress<ReconcileProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        store.EnsureOpen();
        bool rebuilding = store.NeedsRebuild;
        var indexed = store.IndexedFiles().ToDictionary(f => f.Path, f => f, PathComparer);
        var seen = new HashSet<string>(PathComparer);
        var added = new List<HistoryRecord>();
        var updated = new List<HistoryRecord>();
        int scanned = 0, addedCount = 0, updatedCount = 0, unchanged = 0, notImage = 0, corrupt = 0, unreadable = 0, other = 0, temps = 0;
        var lastReport = TimeSpan.Zero;

        void Report(string phase, bool force = false)
        {
            if (progress is null || (!force && clock.Elapsed - lastReport < TimeSpan.FromMilliseconds(250))) return;
            lastReport = clock.Elapsed;
            progress.Report(new ReconcileProgress(phase, scanned, addedCount, updatedCount, 0, notImage + corrupt + unreadable, clock.Elapsed));
        }

        var thumbnails = new HashSet<string>(StringComparer.Ordinal);
        void Flush()
        {
            thumbnails.UnionWith(added.Concat(updated).Select(r => r.Thumbnail));
            store.Apply(added, updated, []);
            added.Clear();
            updated.Clear();
        }

        var outputRoots = roots.OutputRoots();
        var walked = new List<string>();
        foreach (string root in roots.All())
        {
            if (!Directory.Exists(root))
            {
                logger?.LogInformation("History folder {Root} does not exist (now); its entries are kept", root);
                continue;
            }
            walked.Add(root);
            bool ownFolder = outputRoots.Contains(root);
            foreach (var file in Walk(root))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (file.IsTemp)
                {
                    if (ownFolder && DateTime.UtcNow - new DateTime(file.Ticks, DateTimeKind.Utc) > StaleTempAge && TryDelete(file.Path)) temps++;
                    continue;
                }
                if (!ImageFileReader.HasImageExtension(file.Path))
                {
                    other++;
                    continue;
                }
                scanned++;
                seen.Add(file.Path);
                bool known = indexed.TryGetValue(file.Path, out var state);
                if (known && state.Size == file.Size && state.FileTimeTicks == file.Ticks)
                {
                    unchanged++;
                    continue;
                }
                HistoryRecord record;
                try
                {
                    record = Read(file.Path);
                }
                catch (ImageFileException e)
                {
                    switch (e.Reason)
                    {
                        case SkipReason.NotImage: notImage++; break;
                        case SkipReason.Corrupt: corrupt++; break;
                        default: unreadable++; break;
                    }
                    logger?.LogDebug("Skipped {Path}: {Reason}", file.Path, e.Message);
                    continue;
                }
                if (known)
                {
                    record.Id = state.Id;
                    updated.Add(record);
                    updatedCount++;
                }
                else
                {
                    added.Add(record);
                    addedCount++;
                }
                if (added.Count + updated.Count >= BatchSize) Flush();
                Report("scanning");
            }
        }
        Flush();

        // Entries whose file is gone: under a folder just walked, or under no configured folder any more.
        var allRoots = roots.All();
        var removed = indexed.Values
            .Where(f => !seen.Contains(f.Path))
            .Where(f => walked.Any(r => HistoryRoots.IsUnder(f.Path, r)) || !allRoots.Any(r => HistoryRoots.IsUnder(f.Path, r)))
            .Select(f => f.Id).ToList();
        store.Apply([], [], removed);

        int purged = recycle.Purge(DateTime.UtcNow.AddDays(-options.RecycleRetentionDays));
        // Thumbnails of pictures gone for good (new thumbnails are named after the files now indexed).
        var removedIds = removed.ToHashSet();
        thumbnails.UnionWith(indexed.Values.Where(f => !removedIds.Contains(f.Id)).Select(f => f.Thumbnail));
        int pruned = store.Thumbnails.Prune(thumbnails);
        if (rebuilding) store.MarkRebuilt();
        var report = new ReconcileReport(scanned, addedCount, updatedCount, removed.Count, unchanged, notImage, corrupt, unreadable, other,
            temps, purged, pruned, rebuilding, clock.Elapsed);
        progress?.Report(new ReconcileProgress("done", scanned, addedCount, updatedCount, removed.Count, report.Skipped, clock.Elapsed));
        return report;
    }

    /// <summary>Indexes (or re-reads, or drops) one file: what the folder watcher does for each change it sees.</summary>
    public void Refresh(string path)
    {
        string full = Path.GetFullPath(path);
        if (!ImageFileReader.HasImageExtension(full)) return;
        string? root = roots.RootOf(full);
        if (root is not null && IsHiddenBelow(full, root)) return;
        var existing = store.FindByPath(full);
        var info = new FileInfo(full);
        if (!info.Exists || root is null)
        {
            if (existing is not null) store.Remove(existing.Id);
            return;
        }
        if (existing is not null && existing.FileSize == info.Length && existing.FileTimeTicks == info.LastWriteTimeUtc.Ticks) return;
        try
        {
            store.Add(Read(full));
        }
        catch (ImageFileException e)
        {
            // Often a file still being copied; the watcher sees its last write and calls again.
            logger?.LogDebug("Not indexed {Path}: {Reason}", full, e.Message);
        }
    }

    HistoryRecord Read(string path)
    {
        var facts = ImageFileReader.Read(path);
        string thumbnail = store.Thumbnails.NameFor(path, facts.Size, facts.ModifiedUtc.Ticks);
        return HistoryRecordFactory.Create(path, facts, facts.ModifiedUtc, kind: null, user: null, thumbnail);
    }

    /// <summary>Files below <paramref name="root"/>, not descending into hidden folders (.recycle) or linked folders.</summary>
    static IEnumerable<FoundFile> Walk(string root)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.System,
            ReturnSpecialDirectories = false,
        };
        return new FileSystemEnumerable<FoundFile>(root,
            (ref FileSystemEntry e) => new FoundFile(e.ToFullPath(), e.Length, e.LastWriteTimeUtc.UtcTicks, e.FileName.StartsWith('.') && OutputWriter.IsTempFile(e.FileName.ToString())),
            options)
        {
            ShouldIncludePredicate = (ref FileSystemEntry e) =>
                !e.IsDirectory && (e.Attributes & FileAttributes.ReparsePoint) == 0 && (!e.FileName.StartsWith('.') || OutputWriter.IsTempFile(e.FileName.ToString())),
            ShouldRecursePredicate = (ref FileSystemEntry e) =>
                !e.FileName.StartsWith('.') && (e.Attributes & FileAttributes.ReparsePoint) == 0,
        };
    }

    /// <summary>Whether a name below the root starts with a dot (.recycle, temp files), as <see cref="Walk"/> skips them.</summary>
    static bool IsHiddenBelow(string fullPath, string root) =>
        Path.GetRelativePath(root, fullPath).Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.'));

    static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    static StringComparer PathComparer => OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
}
