using WebUI.History;

namespace WebUI.Tests.History;

/// <summary>The in-memory catalog against a plain LINQ model of the same rows, through inserts, updates, removals and compaction.</summary>
public sealed class HistoryCatalogTests
{
    static readonly string[] Vocabulary = ["cat", "castle", "cathedral", "dog", "forest", "fog", "red", "river", "mountain", "moon", "1girl", "sea"];
    static readonly string[] Models = ["demo", "sd15", "sdxl"];

    static CatalogRow Row(Random rng, int id) => new(
        id,
        new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(rng.Next(5000)).Ticks,
        Models[rng.Next(Models.Length)],
        rng.Next(2) == 0 ? "Euler a" : "DPM++ 2M",
        rng.Next(2) == 0 ? 512 : 768, 512,
        rng.Next(3) == 0 ? "alice" : "bob",
        rng.Next(10) == 0 ? ImageKinds.Grid : ImageKinds.Txt2Img,
        rng.Next(5) == 0,
        [.. Enumerable.Range(0, 1 + rng.Next(5)).Select(_ => Vocabulary[rng.Next(Vocabulary.Length)]).Distinct()],
        [.. Enumerable.Range(0, rng.Next(3)).Select(_ => Vocabulary[rng.Next(Vocabulary.Length)]).Distinct()]);

    static readonly HistoryQuery[] Queries =
    [
        HistoryQuery.All,
        HistoryQuery.All with { IncludeGrids = true },
        new() { Text = "ca" },                       // cat, castle, cathedral
        new() { Text = "\"cat\"" },                  // cat only
        new() { Text = "cat fog", Scope = SearchScope.Both },
        new() { Text = "fog", Scope = SearchScope.NegativePrompt },
        new() { Model = "sd15", FavouritesOnly = true },
        new() { Sampler = "Euler a", Size = "768x512", User = "alice" },
        new() { Kind = ImageKinds.Grid },
        new() { Model = "no such model" },
        new() { FromUtc = new DateTime(2024, 1, 2, 0, 0, 0, DateTimeKind.Utc), ToUtc = new DateTime(2024, 1, 3, 0, 0, 0, DateTimeKind.Utc), Text = "m" },
    ];

    static List<int> Expected(IEnumerable<CatalogRow> rows, HistoryQuery q)
    {
        var terms = SearchTerms.Parse(q.Text);
        bool Has(string[] words, (string Word, bool Exact) t) => words.Any(w => t.Exact ? w == t.Word : w.StartsWith(t.Word, StringComparison.Ordinal));
        return [.. rows
            .Where(r => q.IncludeGrids || q.Kind is not null || r.Kind != ImageKinds.Grid)
            .Where(r => q.Kind is null || r.Kind == q.Kind)
            .Where(r => q.Model is null || r.Model == q.Model)
            .Where(r => q.Sampler is null || r.Sampler == q.Sampler)
            .Where(r => q.User is null || r.User == q.User)
            .Where(r => q.Size is null || $"{r.Width}x{r.Height}" == q.Size)
            .Where(r => !q.FavouritesOnly || r.Favourite)
            .Where(r => q.FromUtc is null || r.CreatedTicks >= q.FromUtc.Value.Ticks)
            .Where(r => q.ToUtc is null || r.CreatedTicks < q.ToUtc.Value.Ticks)
            .Where(r => terms.All(t => (q.Scope != SearchScope.NegativePrompt && Has(r.Words, t)) || (q.Scope != SearchScope.Prompt && Has(r.NegativeWords, t))))
            .OrderByDescending(r => r.CreatedTicks).ThenByDescending(r => r.Id)
            .Select(r => r.Id)];
    }

    static void AssertSame(HistoryCatalog catalog, Dictionary<int, CatalogRow> model)
    {
        foreach (var q in Queries)
        {
            var expected = Expected(model.Values, q);
            var page = catalog.Page(q, 0, int.MaxValue / 2);
            Assert.Equal(expected, page.Items.Select(i => i.Id));
            Assert.Equal(expected.Count, page.Total);
            if (expected.Count > 3)
            {
                // Any window of the result, and positions, agree too.
                Assert.Equal(expected.Skip(2).Take(3), catalog.Page(q, 2, 3).Items.Select(i => i.Id));
                Assert.Equal(2, catalog.IndexOf(q, expected[2]));
            }
        }
        var facets = catalog.Facets();
        Assert.Equal(model.Count, facets.Total);
        Assert.Equal(model.Values.Count(r => r.Favourite), facets.Favourites);
        Assert.Equal(model.Values.GroupBy(r => r.Model).ToDictionary(g => g.Key, g => g.Count()), facets.Models.ToDictionary(f => f.Value, f => f.Count));
    }

    [Fact]
    public void Queries_match_a_plain_model_through_inserts_updates_removals_and_compaction()
    {
        var rng = new Random(42);
        var catalog = new HistoryCatalog();
        var model = new Dictionary<int, CatalogRow>();
        var initial = Enumerable.Range(1, 3000).Select(id => Row(rng, id)).ToList();
        catalog.Load(initial);
        foreach (var r in initial) model[r.Id] = r;
        AssertSame(catalog, model);

        int nextId = 3001;
        for (int round = 0; round < 4; round++)
        {
            // New pictures one by one and in bulk, re-read ones (same id, new data), favourites, and many removals
            // (enough to trigger compaction of the word lists).
            for (int i = 0; i < 50; i++) { var r = Row(rng, nextId++); catalog.Upsert(r); model[r.Id] = r; }
            var bulk = Enumerable.Range(0, 200).Select(_ => Row(rng, nextId++)).ToList();
            catalog.UpsertMany(bulk);
            foreach (var r in bulk) model[r.Id] = r;
            foreach (int id in model.Keys.OrderBy(_ => rng.Next()).Take(100).ToList())
            {
                var r = Row(rng, id);
                catalog.Upsert(r);
                model[id] = r;
            }
            foreach (int id in model.Keys.OrderBy(_ => rng.Next()).Take(100).ToList())
            {
                bool fav = rng.Next(2) == 0;
                Assert.True(catalog.SetFavourite(id, fav));
                model[id] = model[id] with { Favourite = fav };
            }
            foreach (int id in model.Keys.OrderBy(_ => rng.Next()).Take(700).ToList())
            {
                Assert.True(catalog.Remove(id));
                model.Remove(id);
            }
            Assert.False(catalog.Remove(-5));
            AssertSame(catalog, model);
        }
    }

    [Fact]
    public void Paging_past_the_end_and_impossible_filters_are_empty()
    {
        var catalog = new HistoryCatalog();
        catalog.Load([Row(new Random(1), 1), Row(new Random(2), 2)]);
        Assert.Empty(catalog.Page(HistoryQuery.All with { IncludeGrids = true }, 5, 10).Items);
        Assert.Equal(0, catalog.Page(new HistoryQuery { User = "nobody" }, 0, 10).Total);
        Assert.Equal(-1, catalog.IndexOf(HistoryQuery.All, 99));
        Assert.Throws<ArgumentOutOfRangeException>(() => catalog.Page(HistoryQuery.All, -1, 1));
    }
}
