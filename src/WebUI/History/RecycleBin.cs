using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace WebUI.History;

/// <summary>What the index knew about a deleted picture that the file itself does not say.</summary>
public sealed record RecycleNote(string OriginalPath, DateTime DeletedUtc, DateTime CreatedUtc, bool Favourite, IReadOnlyList<string> Tags, string User);

/// <summary>A deleted picture waiting in the recycle folder; <see cref="Token"/> undoes the deletion.</summary>
public sealed record RecycledItem(string Token, string RecycledPath, RecycleNote Note);

/// <summary>
/// Deleting from the history moves the picture to &lt;outputs&gt;/.recycle/&lt;token&gt;/ next to a note with its original
/// path and index-only data (favourite, tags, user), so undo needs nothing but the folder (not even the database).
/// The folder starts with a dot, so reconcile never indexes it. Entries older than the retention are purged.
/// </summary>
public sealed partial class RecycleBin(string outputsDirectory)
{
    const string NoteFile = "entry.json";

    [GeneratedRegex("^[0-9]{17}-[0-9a-f]{8}$")]
    private static partial Regex TokenRegex();

    public string Directory { get; } = Path.Combine(Path.GetFullPath(outputsDirectory), ".recycle");

    public RecycledItem Recycle(string path, RecycleNote note)
    {
        string token = $"{note.DeletedUtc.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture)}-{Random.Shared.Next():x8}";
        string folder = Path.Combine(Directory, token);
        System.IO.Directory.CreateDirectory(folder);
        // The note first: a crash before the move leaves a note without a picture, which purge removes.
        File.WriteAllText(Path.Combine(folder, NoteFile), JsonSerializer.Serialize(note));
        string target = Path.Combine(folder, Path.GetFileName(path));
        File.Move(path, target);
        // Keep sidecar infotext files (save_txt) with their picture.
        string sidecar = Path.ChangeExtension(path, ".txt");
        if (File.Exists(sidecar)) File.Move(sidecar, Path.ChangeExtension(target, ".txt"));
        return new RecycledItem(token, target, note);
    }

    /// <summary>Moves the picture back to where it was; returns it and its note.</summary>
    /// <exception cref="ArgumentException">Unknown or malformed token.</exception>
    /// <exception cref="IOException">Something now exists at the original path.</exception>
    public RecycledItem Restore(string token)
    {
        var item = Find(token) ?? throw new ArgumentException($"Nothing to undo for \"{token}\" (already restored or purged).");
        string original = item.Note.OriginalPath;
        if (File.Exists(original)) throw new IOException($"Cannot restore: a file now exists at {original}.");
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(original)!);
        File.Move(item.RecycledPath, original);
        string sidecar = Path.ChangeExtension(item.RecycledPath, ".txt");
        if (File.Exists(sidecar) && !File.Exists(Path.ChangeExtension(original, ".txt"))) File.Move(sidecar, Path.ChangeExtension(original, ".txt"));
        System.IO.Directory.Delete(Path.Combine(Directory, token), recursive: true);
        return item with { RecycledPath = original };
    }

    public RecycledItem? Find(string token)
    {
        if (!TokenRegex().IsMatch(token)) return null;
        string folder = Path.Combine(Directory, token);
        string notePath = Path.Combine(folder, NoteFile);
        if (!File.Exists(notePath)) return null;
        RecycleNote? note;
        try
        {
            note = JsonSerializer.Deserialize<RecycleNote>(File.ReadAllText(notePath));
        }
        catch (JsonException)
        {
            return null;
        }
        if (note is null) return null;
        string picture = Path.Combine(folder, Path.GetFileName(note.OriginalPath));
        return File.Exists(picture) ? new RecycledItem(token, picture, note) : null;
    }

    /// <summary>Recycled pictures, most recently deleted first.</summary>
    public IReadOnlyList<RecycledItem> List()
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        return [.. System.IO.Directory.EnumerateDirectories(Directory)
            .Select(d => Find(Path.GetFileName(d)))
            .OfType<RecycledItem>()
            .OrderByDescending(i => i.Token, StringComparer.Ordinal)];
    }

    /// <summary>Deletes entries deleted before <paramref name="cutoffUtc"/> (and broken ones); returns how many.</summary>
    public int Purge(DateTime cutoffUtc)
    {
        if (!System.IO.Directory.Exists(Directory)) return 0;
        int purged = 0;
        string cutoff = cutoffUtc.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        foreach (string folder in System.IO.Directory.EnumerateDirectories(Directory))
        {
            string token = Path.GetFileName(folder);
            bool expired = TokenRegex().IsMatch(token) && string.CompareOrdinal(token[..17], cutoff) < 0;
            bool broken = Find(token) is null && System.IO.Directory.GetLastWriteTimeUtc(folder) < cutoffUtc;
            if (!expired && !broken) continue;
            try
            {
                System.IO.Directory.Delete(folder, recursive: true);
                purged++;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return purged;
    }
}
