namespace WebUI.History;

/// <summary>Which prompt the search words are looked up in.</summary>
public enum SearchScope { Prompt, NegativePrompt, Both }

/// <summary>
/// A history filter; results are always newest first. <see cref="Text"/>: every word must match the start of a word of
/// the prompt ("cat" finds "cats"); a word in double quotes must match whole ("\"cat\"").
/// </summary>
public sealed record HistoryQuery
{
    public string Text { get; init; } = "";
    public SearchScope Scope { get; init; } = SearchScope.Prompt;
    public string? Model { get; init; }
    public string? Sampler { get; init; }
    /// <summary>"WIDTHxHEIGHT".</summary>
    public string? Size { get; init; }
    /// <summary>Inclusive lower bound (UTC).</summary>
    public DateTime? FromUtc { get; init; }
    /// <summary>Exclusive upper bound (UTC).</summary>
    public DateTime? ToUtc { get; init; }
    public bool FavouritesOnly { get; init; }
    public string? User { get; init; }
    /// <summary>One of <see cref="ImageKinds"/>; null = every kind except grids unless <see cref="IncludeGrids"/>.</summary>
    public string? Kind { get; init; }
    public bool IncludeGrids { get; init; }

    public static HistoryQuery All { get; } = new();
}

/// <summary>A tile of the history grid.</summary>
public readonly record struct HistoryItem(int Id, DateTime CreatedUtc, int Width, int Height, bool Favourite, string Kind);

/// <summary>Items <see cref="Start"/>.. of a query's result, and the result's size.</summary>
public sealed record HistoryPage(int Total, int Start, IReadOnlyList<HistoryItem> Items);

/// <summary>A filter value and how many indexed pictures have it.</summary>
public readonly record struct FacetValue(string Value, int Count);

/// <summary>The values the filters offer.</summary>
public sealed record HistoryFacets(
    IReadOnlyList<FacetValue> Models, IReadOnlyList<FacetValue> Samplers, IReadOnlyList<FacetValue> Sizes,
    IReadOnlyList<FacetValue> Users, int Total, int Favourites);
