using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace WebUI.Diffusion.Imaging;

/// <summary>
/// A dictionary with Python dict ordering: keys keep the position of their first insertion, updating a value
/// does not move it. Infotext key order (writing and parsing) is defined in terms of this behaviour.
/// </summary>
internal sealed class OrderedMap<TValue> : IReadOnlyDictionary<string, TValue>
{
    readonly List<string> _keys = [];
    readonly Dictionary<string, TValue> _values = new(StringComparer.Ordinal);

    public TValue this[string key]
    {
        get => _values[key];
        set { if (!_values.ContainsKey(key)) _keys.Add(key); _values[key] = value; }
    }

    public int Count => _keys.Count;
    public IEnumerable<string> Keys => _keys;
    public IEnumerable<TValue> Values => _keys.Select(k => _values[k]);
    public bool ContainsKey(string key) => _values.ContainsKey(key);
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value) => _values.TryGetValue(key, out value);

    public bool Remove(string key)
    {
        if (!_values.Remove(key)) return false;
        _keys.Remove(key);
        return true;
    }

    public IEnumerator<KeyValuePair<string, TValue>> GetEnumerator()
    {
        foreach (var k in _keys) yield return new KeyValuePair<string, TValue>(k, _values[k]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
