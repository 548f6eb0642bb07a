using LiteDB;
using WebUI.Storage;

namespace WebUI.Api.Options;

/// <summary>
/// <see cref="IOptionsStore"/> over the app's one LiteDB file: collection <c>options</c>, one document per key
/// (<c>_id</c> = key, <c>value</c>). Only keys of the catalog are accepted; values are checked before anything is written.
/// With a <see cref="SavingSettingsBinding"/> the saving keys are read from and written to the live
/// <see cref="History.SavingOptions"/> (what the web UI saves with); the database keeps the ones set here so they are
/// applied again at the next start.
/// </summary>
public sealed class LiteDbOptionsStore : IOptionsStore
{
    const string CollectionName = "options";
    readonly ILiteCollection<BsonDocument> _collection;
    readonly IReadOnlyList<OptionDefinition> _definitions;
    readonly Dictionary<string, OptionDefinition> _byKey;
    readonly SavingSettingsBinding? _saving;
    readonly Lock _gate = new();

    public LiteDbOptionsStore(AppDatabase database, IReadOnlyList<OptionDefinition> definitions, SavingSettingsBinding? saving = null)
    {
        _collection = database.Db.GetCollection(CollectionName);
        _definitions = definitions;
        _byKey = definitions.ToDictionary(d => d.Key, StringComparer.Ordinal);
        _saving = saving;
        if (saving is not null) ApplyStoredSavingValues(saving);
    }

    /// <summary>What was set through the options before wins over WebUI:Saving (A1111's config.json over its defaults).</summary>
    void ApplyStoredSavingValues(SavingSettingsBinding saving)
    {
        foreach (var doc in _collection.FindAll().ToList())
        {
            string key = doc["_id"].AsString;
            if (!IsBound(key)) continue;
            try
            {
                var definition = _byKey[key];
                saving.Apply([new(key, definition.Normalize(FromBson(definition, doc["value"])))]);
            }
            catch (ArgumentException)
            {
                // A stored value the saver refuses (a hand-edited database) leaves WebUI:Saving's value in force.
            }
        }
    }

    bool IsBound(string key) => _saving is not null && _byKey.ContainsKey(key) && SavingSettingsBinding.Covers(key);

    public event Action<IReadOnlyCollection<string>>? Changed;

    public bool IsKnown(string key) => _byKey.ContainsKey(key);

    public IReadOnlyList<KeyValuePair<string, object?>> GetAll()
    {
        lock (_gate)
        {
            var stored = _collection.FindAll().ToDictionary(d => d["_id"].AsString, d => d["value"], StringComparer.Ordinal);
            return _definitions
                .Select(d => new KeyValuePair<string, object?>(d.Key,
                    IsBound(d.Key) ? _saving!.Read(d.Key) : stored.TryGetValue(d.Key, out var v) ? FromBson(d, v) : d.Default))
                .ToList();
        }
    }

    public object? Get(string key)
    {
        var definition = Definition(key);
        if (IsBound(key)) return _saving!.Read(key);
        lock (_gate)
        {
            var doc = _collection.FindById(key);
            return doc is null ? definition.Default : FromBson(definition, doc["value"]);
        }
    }

    public object? Normalize(string key, object? raw) => Definition(key).Normalize(raw);

    public void Set(IReadOnlyDictionary<string, object?> values)
    {
        // Validate everything first: a bad value leaves every setting as it was (A1111 would half-apply).
        var normalized = values.Select(kv => (kv.Key, Value: Normalize(kv.Key, kv.Value))).ToList();
        var changed = new List<string>();
        lock (_gate)
        {
            var before = normalized.ToDictionary(kv => kv.Key, kv => Current(kv.Key), StringComparer.Ordinal);
            // The saving settings first: the saver's own checks may still refuse a combination, and then nothing changes.
            _saving?.Apply(normalized.Where(kv => IsBound(kv.Key)).Select(kv => new KeyValuePair<string, object?>(kv.Key, kv.Value)));
            foreach (var (key, value) in normalized)
            {
                if (Equals(before[key], value)) continue;
                _collection.Upsert(new BsonDocument { ["_id"] = key, ["value"] = ToBson(value) });
                changed.Add(key);
            }
        }
        if (changed.Count > 0) Changed?.Invoke(changed);
    }

    object? Current(string key)
    {
        if (IsBound(key)) return _saving!.Read(key);
        var old = _collection.FindById(key);
        return old is null ? Definition(key).Default : FromBson(Definition(key), old["value"]);
    }

    OptionDefinition Definition(string key) =>
        _byKey.TryGetValue(key, out var d) ? d : throw new KeyNotFoundException($"Unknown setting '{key}'.");

    static BsonValue ToBson(object? value) => value switch
    {
        null => BsonValue.Null,
        string s => new BsonValue(s),
        bool b => new BsonValue(b),
        long l => new BsonValue(l),
        double d => new BsonValue(d),
        _ => throw new ArgumentException($"Cannot store a {value.GetType().Name} as a setting."),
    };

    // A stored value that no longer fits the definition (the catalog changed) falls back to the default.
    static object? FromBson(OptionDefinition definition, BsonValue value)
    {
        object? raw = value.Type switch
        {
            BsonType.Null => null,
            BsonType.String => value.AsString,
            BsonType.Boolean => value.AsBoolean,
            BsonType.Int32 => (long)value.AsInt32,
            BsonType.Int64 => value.AsInt64,
            BsonType.Double => value.AsDouble,
            _ => definition.Default,
        };
        try
        {
            return definition.Normalize(raw);
        }
        catch (ArgumentException)
        {
            return definition.Default;
        }
    }
}
