using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.Web.Virtualization;
using Microsoft.JSInterop;
using MudBlazor;
using WebUI.History;

namespace WebUI.Components.History;

/// <summary>
/// The History tab: every picture in the output folders, newest first, in a virtualised grid of thumbnails (only the
/// rows on screen exist in the page, so 100 000 pictures scroll like 100); search over prompt or negative prompt,
/// filters, and a lightbox with the parameters and actions (favourite, delete with undo, send to a tab, copy, download)
/// driven by the keyboard too: ←/→ previous/next, Esc close, F favourite, Delete delete.
/// </summary>
public partial class HistoryTab : IAsyncDisposable
{
    /// <summary>Thumbnail cell size in pixels (the CSS uses the same numbers).</summary>
    public const int TileSize = 180, TileGap = 8;
    const int RowHeight = TileSize + TileGap;
    static readonly TimeSpan RefreshDelay = TimeSpan.FromMilliseconds(400);

    [Inject] IHistoryService History { get; set; } = default!;
    [Inject] IHistoryActions Actions { get; set; } = default!;
    [Inject] HistorySendBridge Bridge { get; set; } = default!;
    [Inject] ISnackbar Snackbar { get; set; } = default!;
    [Inject] IJSRuntime JS { get; set; } = default!;

    // Filters (bound to the toolbar).
    string search = "";
    SearchScope scope = SearchScope.Prompt;
    string model = "", sampler = "", size = "", user = "";
    string fromDate = "", toDate = "";
    bool favouritesOnly, showGrids;

    HistoryFacets facets = new([], [], [], [], 0, 0);
    int total;
    int columns = 5;
    Virtualize<HistoryRow>? virtualize;
    ElementReference gridElement;
    IJSObjectReference? module;
    DotNetObjectReference<HistoryTab>? self;

    // Lightbox.
    HistoryRecord? current;
    int currentIndex = -1;

    readonly Stack<RecycledItem> deleted = new();
    int refreshScheduled;
    bool disposed;

    /// <summary>One row of the grid: up to <see cref="columns"/> tiles.</summary>
    public sealed record HistoryRow(int Index, IReadOnlyList<HistoryItem> Items);

    HistoryQuery Query => new()
    {
        Text = search,
        Scope = scope,
        Model = NullIfEmpty(model),
        Sampler = NullIfEmpty(sampler),
        Size = NullIfEmpty(size),
        User = NullIfEmpty(user),
        FromUtc = ParseDay(fromDate),
        ToUtc = ParseDay(toDate)?.AddDays(1),
        FavouritesOnly = favouritesOnly,
        IncludeGrids = showGrids,
    };

    protected override void OnInitialized()
    {
        History.Changed += OnHistoryChanged;
        if (!History.IsReady) return; // the start-up load raises Changed when done
        facets = History.Facets();
        total = History.Query(Query, 0, 0).Total;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            try
            {
                module = await JS.InvokeAsync<IJSObjectReference>("import", "./Components/History/HistoryTab.razor.js");
                self = DotNetObjectReference.Create(this);
                if (module is not null) await module.InvokeVoidAsync("observeColumns", gridElement, self, TileSize, TileGap);
            }
            catch (JSDisconnectedException)
            {
            }
        }
        if (current is not null && focusLightbox)
        {
            focusLightbox = false;
            try
            {
                await lightboxElement.FocusAsync();
            }
            catch (Exception e) when (e is JSException or JSDisconnectedException or InvalidOperationException)
            {
            }
        }
    }

    /// <summary>Called by the grid's resize observer with the number of tiles that fit in a row.</summary>
    [JSInvokable]
    public async Task SetColumns(int value)
    {
        value = Math.Clamp(value, 1, 40);
        if (value == columns) return;
        columns = value;
        await RefreshGridAsync();
        StateHasChanged();
    }

    ValueTask<ItemsProviderResult<HistoryRow>> LoadRows(ItemsProviderRequest request)
    {
        if (!History.IsReady) return ValueTask.FromResult(new ItemsProviderResult<HistoryRow>([], 0));
        var query = Query;
        var page = History.Query(query, request.StartIndex * columns, request.Count * columns);
        total = page.Total;
        var rows = new List<HistoryRow>(request.Count);
        for (int i = 0; i < page.Items.Count; i += columns)
        {
            int index = request.StartIndex + i / columns;
            rows.Add(new HistoryRow(index, [.. page.Items.Skip(i).Take(columns)]));
        }
        int totalRows = (page.Total + columns - 1) / columns;
        return ValueTask.FromResult(new ItemsProviderResult<HistoryRow>(rows, totalRows));
    }

    async Task RefreshGridAsync()
    {
        if (!History.IsReady) return;
        total = History.Query(Query, 0, 0).Total;
        if (virtualize is not null) await virtualize.RefreshDataAsync();
    }

    async Task OnFiltersChanged()
    {
        await RefreshGridAsync();
        StateHasChanged();
    }

    async Task OnSearchChanged(string value)
    {
        search = value ?? "";
        await OnFiltersChanged();
    }

    async Task ClearFilters()
    {
        search = model = sampler = size = user = fromDate = toDate = "";
        scope = SearchScope.Prompt;
        favouritesOnly = showGrids = false;
        await OnFiltersChanged();
    }

    bool HasFilters => search.Length > 0 || model.Length > 0 || sampler.Length > 0 || size.Length > 0 || user.Length > 0
                       || fromDate.Length > 0 || toDate.Length > 0 || favouritesOnly || showGrids;

    /// <summary>New pictures or a reconcile step: repaint at most every <see cref="RefreshDelay"/>, not per picture.</summary>
    void OnHistoryChanged()
    {
        if (Interlocked.Exchange(ref refreshScheduled, 1) == 1) return;
        _ = Task.Delay(RefreshDelay).ContinueWith(_ => InvokeAsync(async () =>
        {
            Interlocked.Exchange(ref refreshScheduled, 0);
            if (disposed || !History.IsReady) return;
            facets = History.Facets();
            await RefreshGridAsync();
            if (current is not null && History.Get(current.Id) is { } fresh) current = fresh;
            StateHasChanged();
        }), TaskScheduler.Default);
    }

    async Task Reconcile()
    {
        try
        {
            var report = await History.ReconcileAsync();
            Snackbar.Add(L["Reconciled: {0} added, {1} removed, {2} skipped.", report.Added, report.Removed, report.Skipped], Severity.Success);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Snackbar.Add(L["Reconcile failed: {0}", e.Message], Severity.Error);
        }
    }

    // ---- Lightbox ----

    ElementReference lightboxElement;
    bool focusLightbox;

    void Open(HistoryItem item, int index)
    {
        current = History.Get(item.Id);
        currentIndex = current is null ? -1 : index;
        focusLightbox = current is not null;
    }

    void Close()
    {
        current = null;
        currentIndex = -1;
    }

    void Step(int delta)
    {
        if (current is null) return;
        var query = Query;
        // The list may have changed under us (new pictures arrive at the top): re-find the current picture first.
        int index = History.IndexOf(query, current.Id);
        if (index < 0) index = currentIndex;
        int next = index + delta;
        var page = History.Query(query, Math.Max(0, next), 1);
        if (next < 0 || page.Items.Count == 0) return;
        current = History.Get(page.Items[0].Id);
        currentIndex = next;
        focusLightbox = true;
    }

    async Task OnLightboxKey(KeyboardEventArgs e)
    {
        switch (e.Key)
        {
            case "ArrowLeft": Step(-1); break;
            case "ArrowRight": Step(1); break;
            case "Escape": Close(); break;
            case "f" or "F" when !e.CtrlKey && !e.AltKey && !e.MetaKey: await ToggleFavourite(); break;
            case "Delete": await DeleteCurrent(); break;
        }
    }

    async Task ToggleFavourite()
    {
        if (current is null) return;
        bool value = !current.Favourite;
        if (History.SetFavourite(current.Id, value)) current.Favourite = value;
        await RefreshGridAsync();
    }

    async Task ToggleFavourite(HistoryItem item)
    {
        History.SetFavourite(item.Id, !item.Favourite);
        if (current?.Id == item.Id) current.Favourite = !item.Favourite;
        await RefreshGridAsync();
    }

    async Task DeleteCurrent()
    {
        if (current is null) return;
        var removed = current;
        int index = History.IndexOf(Query, removed.Id);
        RecycledItem? item;
        try
        {
            item = History.Delete(removed.Id);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Snackbar.Add(L["Could not delete {0}: {1}", removed.FileName, e.Message], Severity.Error);
            return;
        }
        if (item is not null) deleted.Push(item);
        // Show the picture that took its place (the next older one), or the one before when it was the last.
        var page = History.Query(Query, Math.Max(0, index), 1);
        if (page.Items.Count == 0 && index > 0) page = History.Query(Query, index - 1, 1);
        if (page.Items.Count > 0)
        {
            current = History.Get(page.Items[0].Id);
            currentIndex = page.Start;
            focusLightbox = true;
        }
        else Close();
        await RefreshGridAsync();
    }

    async Task Undo()
    {
        if (!deleted.TryPop(out var item)) return;
        try
        {
            var record = History.Undo(item.Token);
            Snackbar.Add(L["Restored {0}.", record.FileName], Severity.Success);
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or ImageFileException)
        {
            Snackbar.Add(L["Could not restore {0}: {1}", Path.GetFileName(item.Note.OriginalPath), e.Message], Severity.Error);
        }
        await RefreshGridAsync();
    }

    void DismissUndo() => deleted.Clear();

    void Send(SendTarget target)
    {
        if (current is null) return;
        if (History.ServableFile(current.Id) is null)
        {
            Snackbar.Add(L["Could not read {0}: {1}", current.FileName, L["the file is gone"]], Severity.Error);
            return;
        }
        try
        {
            Actions.Send(target, current);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Snackbar.Add(L["Could not read {0}: {1}", current.FileName, e.Message], Severity.Error);
            return;
        }
        if (Bridge.LastError is { } error)
        {
            Snackbar.Add(error.In(L), Severity.Error);
            return;
        }
        Close();
    }

    async Task CopyInfotext()
    {
        if (current is null || module is null) return;
        try
        {
            bool ok = await module.InvokeAsync<bool>("copyText", current.Infotext);
            Snackbar.Add(ok ? L["Parameters copied."] : L["The browser refused to copy."], ok ? Severity.Normal : Severity.Warning);
        }
        catch (JSException e)
        {
            Snackbar.Add(L["The browser refused to copy."] + " " + e.Message, Severity.Warning);
        }
    }

    async Task SaveTags(string text)
    {
        if (current is null) return;
        var tags = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (History.SetTags(current.Id, tags)) current = History.Get(current.Id);
        await Task.CompletedTask;
    }

    /// <summary>The parameter lines of the lightbox: the main ones first, then the rest of the infotext's keys.</summary>
    static IEnumerable<(string Key, string Value)> ParameterLines(HistoryRecord r)
    {
        var shown = new HashSet<string> { "Size-1", "Size-2" };
        if (r.Parameters.TryGetValue("Size-1", out var w) && r.Parameters.TryGetValue("Size-2", out var h)) yield return ("Size", $"{w}x{h}");
        foreach (var (key, value) in r.Parameters)
            if (shown.Add(key)) yield return (key, value ?? "");
    }

    static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;

    static DateTime? ParseDay(string text) =>
        DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var day)
            ? day.ToUniversalTime() : null;

    static string LocalTime(DateTime utc) => utc.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        disposed = true;
        History.Changed -= OnHistoryChanged;
        if (module is not null)
        {
            try
            {
                await module.InvokeVoidAsync("dispose", gridElement);
                await module.DisposeAsync();
            }
            catch (Exception e) when (e is JSDisconnectedException or JSException or ObjectDisposedException)
            {
            }
        }
        self?.Dispose();
    }
}
