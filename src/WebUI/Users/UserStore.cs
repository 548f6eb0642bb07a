using System.Collections.Concurrent;
using LiteDB;
using WebUI.Storage;

namespace WebUI.Users;

/// <summary>A browser user as stored in LiteDB (collection "users").</summary>
public sealed class UserDocument
{
    [BsonId] public string Id { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public DateTime CreatedUtc { get; set; }
}

/// <summary>Editable display names per user id, in the app's LiteDB; the queue shows them next to each job.</summary>
public sealed class UserStore
{
    public const int MaxNameLength = 40;
    readonly ILiteCollection<UserDocument> _users;
    readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);
    readonly TimeProvider _time;

    public UserStore(AppDatabase database, TimeProvider? time = null)
    {
        _users = database.Db.GetCollection<UserDocument>("users");
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The user's name: the one they chose, else "User " + the first 4 digits of their id.</summary>
    public string DisplayNameOf(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return _names.GetOrAdd(userId, id => _users.FindById(id)?.DisplayName is { Length: > 0 } stored ? stored : DefaultName(id));
    }

    public static string DefaultName(string userId) => "User " + userId[..Math.Min(4, userId.Length)];

    /// <summary>Sets the name (trimmed, 1–40 characters, no control characters); returns it. Throws ArgumentException otherwise.</summary>
    public string SetDisplayName(string userId, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        string clean = (name ?? "").Trim();
        if (clean.Length == 0) throw new ArgumentException("The display name must not be empty.", nameof(name));
        if (clean.Length > MaxNameLength) throw new ArgumentException($"The display name must be at most {MaxNameLength} characters.", nameof(name));
        if (clean.Any(char.IsControl)) throw new ArgumentException("The display name must not contain control characters.", nameof(name));
        var doc = _users.FindById(userId) ?? new UserDocument { Id = userId, CreatedUtc = _time.GetUtcNow().UtcDateTime };
        doc.DisplayName = clean;
        _users.Upsert(doc);
        _names[userId] = clean;
        DisplayNameChanged?.Invoke(userId, clean);
        return clean;
    }

    public event Action<string, string>? DisplayNameChanged;
}
