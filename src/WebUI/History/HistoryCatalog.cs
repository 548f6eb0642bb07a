namespace WebUI.History;

/// <summary>The fields of a record the catalog keeps in memory.</summary>
public readonly record struct CatalogRow(
    int Id, long CreatedTicks, string Model, string Sampler, int Width, int Height, string User, string Kind, bool Favourite,
    string[] Words, string[] NegativeWords);

/// <summary>
/// An in-memory mirror of the history index for the History tab: every picture as a small struct, sorted newest first,
/// plus inverted word lists of prompts and negative prompts. LiteDB answers a deep page (Skip 50 000) in ~240 ms and a
/// common word in ~490 ms at 100k pictures (measured, see the history bench); the virtualised grid asks for arbitrary
/// offsets, so filters and search run here on bitsets and the result is cached until the index changes.
/// Thread-safe (one lock; queries take a few milliseconds at 100k).
/// </summary>
public sealed class HistoryCatalog
{
    struct Entry
    {
        public int Id;
        public long Created;
        public int Model, Sampler, User, Kind, Size;
        public int Width, Height;
        public bool Favourite, Alive;
    }

    readonly object _gate = new();
    Entry[] _entries = new Entry[1024];
    int _slots;                                  // used slots (dead ones included)
    int _dead;
    readonly Dictionary<int, int> _slotOf = [];  // id → live slot
    readonly List<int> _order = [];              // live slots, newest first
    readonly Interner _models = new(), _samplers = new(), _users = new(), _kinds = new(), _sizes = new();
    readonly WordIndex _words = new(), _negativeWords = new();
    int _favourites;
    long _version;
    // Results are as large as the index (400 KB at 100k): pooled, because a fresh large-object-heap array per query makes
    // the garbage collector stop the server now and then, which is what a slow page is made of.
    readonly List<(HistoryQuery Query, long Version, ArraySegment<int> Slots)> _cache = [];
    static readonly System.Buffers.ArrayPool<int> ResultPool = System.Buffers.ArrayPool<int>.Create(1 << 24, 16);

    /// <summary>Bumped by every change; a cached query result is valid for one version.</summary>
    public long Version { get { lock (_gate) return _version; } }

    public int Count { get { lock (_gate) return _order.Count; } }

    /// <summary>Replaces everything with <paramref name="rows"/> (start-up load, rebuild).</summary>
    public void Load(IEnumerable<CatalogRow> rows)
    {
        lock (_gate)
        {
            Clear();
            foreach (var row in rows) AddSlot(row);
            _order.AddRange(_slotOf.Values);
            _order.Sort(CompareSlots);
            _version++;
        }
    }

    /// <summary>Adds a picture, or replaces the one with the same id.</summary>
    public void Upsert(CatalogRow row)
    {
        lock (_gate)
        {
            if (_slotOf.ContainsKey(row.Id)) RemoveLocked(row.Id);
            int slot = AddSlot(row);
            int at = _order.BinarySearch(slot, Comparer<int>.Create(CompareSlots));
            _order.Insert(at < 0 ? ~at : at, slot);
            _version++;
            CompactIfSparse();
        }
    }

    /// <summary>Many at once (reconcile): one sort instead of one insertion each.</summary>
    public void UpsertMany(IEnumerable<CatalogRow> rows)
    {
        lock (_gate)
        {
            foreach (var row in rows)
            {
                if (_slotOf.ContainsKey(row.Id)) RemoveLocked(row.Id);
                _order.Add(AddSlot(row));
            }
            _order.Sort(CompareSlots);
            _version++;
            CompactIfSparse();
        }
    }

    public bool Remove(int id)
    {
        lock (_gate)
        {
            if (!RemoveLocked(id)) return false;
            _version++;
            CompactIfSparse();
            return true;
        }
    }

    public bool SetFavourite(int id, bool favourite)
    {
        lock (_gate)
        {
            if (!_slotOf.TryGetValue(id, out int slot)) return false;
            ref var e = ref _entries[slot];
            if (e.Favourite != favourite) _favourites += favourite ? 1 : -1;
            e.Favourite = favourite;
            _version++;
            return true;
        }
    }

    /// <summary>Items <paramref name="start"/>..start+count of the query's result (newest first) and its total.</summary>
    public HistoryPage Page(HistoryQuery query, int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_gate)
        {
            var result = Evaluate(query);
            int end = Math.Min(result.Count, start + count);
            var items = new List<HistoryItem>(Math.Max(0, end - start));
            for (int i = start; i < end; i++)
            {
                ref var e = ref _entries[result[i]];
                items.Add(new HistoryItem(e.Id, new DateTime(e.Created, DateTimeKind.Utc), e.Width, e.Height, e.Favourite, _kinds.Name(e.Kind)));
            }
            return new HistoryPage(result.Count, start, items);
        }
    }

    /// <summary>Position of picture <paramref name="id"/> in the query's result, or -1.</summary>
    public int IndexOf(HistoryQuery query, int id)
    {
        lock (_gate)
        {
            if (!_slotOf.TryGetValue(id, out int slot)) return -1;
            var result = Evaluate(query);
            int at = Array.IndexOf(result.Array!, slot, 0, result.Count);
            return at;
        }
    }

    public HistoryFacets Facets()
    {
        lock (_gate)
        {
            return new HistoryFacets(_models.Values(), _samplers.Values(), _sizes.Values(), _users.Values(), _order.Count, _favourites);
        }
    }

    /// <summary>The query's slots, newest first (cached per index version).</summary>
    ArraySegment<int> Evaluate(HistoryQuery query)
    {
        foreach (var (cachedQuery, cachedVersion, cachedSlots) in _cache)
            if (cachedVersion == _version && cachedQuery == query) return cachedSlots;
        DropStaleResults();

        ulong[]? mask = WordMask(query);
        int model = Filter(_models, query.Model), sampler = Filter(_samplers, query.Sampler);
        int user = Filter(_users, query.User), kind = Filter(_kinds, query.Kind), size = Filter(_sizes, query.Size);
        int grid = _kinds.Find(ImageKinds.Grid);
        long from = query.FromUtc?.ToUniversalTime().Ticks ?? long.MinValue, to = query.ToUtc?.ToUniversalTime().Ticks ?? long.MaxValue;
        bool impossible = model == -2 || sampler == -2 || user == -2 || kind == -2 || size == -2;

        var result = impossible ? [] : ResultPool.Rent(Math.Max(1, _order.Count));
        int found = 0;
        if (!impossible)
        {
            foreach (int slot in _order)
            {
                ref var e = ref _entries[slot];
                if (e.Created < from || e.Created >= to) continue;
                if (model >= 0 && e.Model != model) continue;
                if (sampler >= 0 && e.Sampler != sampler) continue;
                if (user >= 0 && e.User != user) continue;
                if (size >= 0 && e.Size != size) continue;
                if (kind >= 0 ? e.Kind != kind : !query.IncludeGrids && e.Kind == grid) continue;
                if (query.FavouritesOnly && !e.Favourite) continue;
                if (mask is not null && (mask[slot >> 6] & (1UL << (slot & 63))) == 0) continue;
                result[found++] = slot;
            }
        }
        var slots = new ArraySegment<int>(result, 0, found);
        if (_cache.Count >= 8)
        {
            Return(_cache[0].Slots);
            _cache.RemoveAt(0);
        }
        _cache.Add((query, _version, slots));
        return slots;
    }

    /// <summary>Results of older versions can never be served again; their arrays go back to the pool.</summary>
    void DropStaleResults()
    {
        for (int i = _cache.Count - 1; i >= 0; i--)
        {
            if (_cache[i].Version == _version) continue;
            Return(_cache[i].Slots);
            _cache.RemoveAt(i);
        }
    }

    static void Return(ArraySegment<int> slots)
    {
        if (slots.Array is { Length: > 0 } array) ResultPool.Return(array);
    }

    /// <summary>-1 = no filter, -2 = a value no picture has (empty result), else the value's id.</summary>
    static int Filter(Interner interner, string? value) =>
        string.IsNullOrEmpty(value) ? -1 : interner.Find(value) is int id and >= 0 ? id : -2;

    /// <summary>Slots matching every search word (null = no words); each word matches word starts, or whole words when quoted.</summary>
    ulong[]? WordMask(HistoryQuery query)
    {
        var terms = SearchTerms.Parse(query.Text);
        if (terms.Count == 0) return null;
        ulong[]? mask = null;
        foreach (var (word, exact) in terms)
        {
            var termMask = new ulong[(_slots + 63) >> 6];
            if (query.Scope != SearchScope.NegativePrompt) _words.Mark(word, exact, termMask);
            if (query.Scope != SearchScope.Prompt) _negativeWords.Mark(word, exact, termMask);
            if (mask is null) mask = termMask;
            else for (int i = 0; i < mask.Length; i++) mask[i] &= termMask[i];
        }
        return mask;
    }

    int AddSlot(CatalogRow row)
    {
        if (_slots == _entries.Length) Array.Resize(ref _entries, _entries.Length * 2);
        int slot = _slots++;
        _entries[slot] = new Entry
        {
            Id = row.Id,
            Created = row.CreatedTicks,
            Model = _models.Add(row.Model),
            Sampler = _samplers.Add(row.Sampler),
            User = _users.Add(row.User),
            Kind = _kinds.Add(row.Kind),
            Size = _sizes.Add($"{row.Width}x{row.Height}"),
            Width = row.Width,
            Height = row.Height,
            Favourite = row.Favourite,
            Alive = true,
        };
        if (row.Favourite) _favourites++;
        _words.Add(row.Words, slot);
        _negativeWords.Add(row.NegativeWords, slot);
        _slotOf[row.Id] = slot;
        return slot;
    }

    bool RemoveLocked(int id)
    {
        if (!_slotOf.Remove(id, out int slot)) return false;
        ref var e = ref _entries[slot];
        int at = _order.BinarySearch(slot, Comparer<int>.Create(CompareSlots));
        if (at >= 0) _order.RemoveAt(at);
        _models.Release(e.Model);
        _samplers.Release(e.Sampler);
        _users.Release(e.User);
        _kinds.Release(e.Kind);
        _sizes.Release(e.Size);
        if (e.Favourite) _favourites--;
        e.Alive = false;
        _dead++;
        return true;
    }

    /// <summary>Dead slots stay in the word lists (masked out by the order); rebuild once they are a quarter of all.</summary>
    void CompactIfSparse()
    {
        if (_dead < 1024 || _dead * 4 < _slots) return;
        var words = _words.WordsBySlot(_slots);
        var negative = _negativeWords.WordsBySlot(_slots);
        var rows = new List<CatalogRow>(_order.Count);
        foreach (int slot in _order)
        {
            ref var e = ref _entries[slot];
            rows.Add(new CatalogRow(e.Id, e.Created, _models.Name(e.Model), _samplers.Name(e.Sampler), e.Width, e.Height,
                _users.Name(e.User), _kinds.Name(e.Kind), e.Favourite, words[slot], negative[slot]));
        }
        Clear();
        foreach (var row in rows) AddSlot(row);
        _order.AddRange(_slotOf.Values);
        _order.Sort(CompareSlots);
    }

    void Clear()
    {
        _slots = 0;
        _dead = 0;
        _favourites = 0;
        _slotOf.Clear();
        _order.Clear();
        _models.Clear(); _samplers.Clear(); _users.Clear(); _kinds.Clear(); _sizes.Clear();
        _words.Clear(); _negativeWords.Clear();
        foreach (var entry in _cache) Return(entry.Slots);
        _cache.Clear();
    }

    /// <summary>Newest first; equal times by id, newest id first.</summary>
    int CompareSlots(int a, int b)
    {
        ref var x = ref _entries[a];
        ref var y = ref _entries[b];
        int c = y.Created.CompareTo(x.Created);
        return c != 0 ? c : y.Id.CompareTo(x.Id);
    }

    /// <summary>Strings ↔ small ids with live counts (the filter lists).</summary>
    sealed class Interner
    {
        readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
        readonly List<string> _names = [];
        readonly List<int> _counts = [];

        public int Add(string value)
        {
            if (!_ids.TryGetValue(value, out int id))
            {
                id = _names.Count;
                _ids[value] = id;
                _names.Add(value);
                _counts.Add(0);
            }
            _counts[id]++;
            return id;
        }

        public void Release(int id) => _counts[id]--;
        public int Find(string value) => _ids.TryGetValue(value, out int id) ? id : -1;
        public string Name(int id) => _names[id];

        public IReadOnlyList<FacetValue> Values() =>
            [.. _names.Select((n, i) => new FacetValue(n, _counts[i])).Where(f => f.Count > 0 && f.Value.Length > 0).OrderByDescending(f => f.Count).ThenBy(f => f.Value, StringComparer.Ordinal)];

        public void Clear()
        {
            _ids.Clear();
            _names.Clear();
            _counts.Clear();
        }
    }

    /// <summary>word → slots, with a sorted vocabulary for prefix lookups.</summary>
    sealed class WordIndex
    {
        readonly Dictionary<string, List<int>> _postings = new(StringComparer.Ordinal);
        string[] _sorted = [];
        bool _sortedStale;

        public void Add(string[] words, int slot)
        {
            foreach (string w in words)
            {
                if (!_postings.TryGetValue(w, out var list))
                {
                    _postings[w] = list = new List<int>(4);
                    _sortedStale = true;
                }
                list.Add(slot);
            }
        }

        public void Mark(string word, bool exact, ulong[] mask)
        {
            if (exact)
            {
                if (_postings.TryGetValue(word, out var list)) Set(list, mask);
                return;
            }
            if (_sortedStale)
            {
                _sorted = [.. _postings.Keys];
                Array.Sort(_sorted, StringComparer.Ordinal);
                _sortedStale = false;
            }
            int i = Array.BinarySearch(_sorted, word, StringComparer.Ordinal);
            if (i < 0) i = ~i;
            for (; i < _sorted.Length && _sorted[i].StartsWith(word, StringComparison.Ordinal); i++) Set(_postings[_sorted[i]], mask);
        }

        static void Set(List<int> slots, ulong[] mask)
        {
            foreach (int s in slots)
                if ((s >> 6) < mask.Length) mask[s >> 6] |= 1UL << (s & 63);
        }

        /// <summary>The words of every slot (for compaction).</summary>
        public string[][] WordsBySlot(int slots)
        {
            var lists = new List<string>?[slots];
            foreach (var (word, list) in _postings)
                foreach (int s in list) (lists[s] ??= []).Add(word);
            return [.. lists.Select(l => l is null ? Array.Empty<string>() : l.ToArray())];
        }

        public void Clear()
        {
            _postings.Clear();
            _sorted = [];
            _sortedStale = false;
        }
    }
}

/// <summary>Splits a search box text into words; words in double quotes must match whole.</summary>
public static class SearchTerms
{
    public static IReadOnlyList<(string Word, bool Exact)> Parse(string? text)
    {
        var terms = new List<(string, bool)>();
        if (string.IsNullOrWhiteSpace(text)) return terms;
        string[] parts = text.Split('"');
        for (int i = 0; i < parts.Length; i++)
        {
            // Odd parts were inside quotes (an unclosed quote counts as closed at the end).
            bool exact = i % 2 == 1;
            foreach (string word in PromptWords.Of(parts[i])) terms.Add((word, exact));
        }
        return terms;
    }
}
