using LiteDB;

namespace WebUI.History;

/// <summary>What kind of output a picture is, from its folder (or its infotext for foreign folders).</summary>
public static class ImageKinds
{
    public const string Txt2Img = "txt2img", Img2Img = "img2img", Grid = "grid", Extras = "extras", Other = "other";
}

/// <summary>
/// One picture in the history index (LiteDB collection <c>history_images</c>). Everything except
/// <see cref="Favourite"/>, <see cref="Tags"/> and <see cref="User"/> is derived from the file and its infotext, so the
/// index can be rebuilt from the folders. LiteDB's mapper stores "" as null; the setters turn null back into "".
/// </summary>
public sealed class HistoryRecord
{
    public int Id { get; set; }

    /// <summary>Full path of the picture (unique).</summary>
    public string Path { get; set => field = value ?? ""; } = "";

    /// <summary>Size and modification time (UTC ticks) when indexed: reconcile re-reads a file when either changed.</summary>
    public long FileSize { get; set; }
    public long FileTimeTicks { get; set; }

    /// <summary>When the picture was made (UTC, millisecond precision): the save time, or the file time for found files.</summary>
    public DateTime CreatedUtc { get; set; }

    /// <summary>One of <see cref="ImageKinds"/>.</summary>
    public string Kind { get; set => field = value ?? ""; } = ImageKinds.Other;

    /// <summary>"PNG", "JPEG" or "WEBP".</summary>
    public string Format { get; set => field = value ?? ""; } = "";

    public int Width { get; set; }
    public int Height { get; set; }

    /// <summary>The embedded infotext, verbatim ("" when the file has none).</summary>
    public string Infotext { get; set => field = value ?? ""; } = "";

    public string Prompt { get; set => field = value ?? ""; } = "";
    public string NegativePrompt { get; set => field = value ?? ""; } = "";
    public string Model { get; set => field = value ?? ""; } = "";
    public string ModelHash { get; set => field = value ?? ""; } = "";
    public string Sampler { get; set => field = value ?? ""; } = "";
    public string Scheduler { get; set => field = value ?? ""; } = "";
    public int Steps { get; set; }
    public double CfgScale { get; set; }
    /// <summary>-1 when the infotext has no seed.</summary>
    public long Seed { get; set; } = -1;

    /// <summary>Every other parameter of the infotext's parameter line, parsed as A1111 does ("Size-1", "Clip skip", ...).</summary>
    public Dictionary<string, string> Parameters { get; set => field = value ?? []; } = [];

    /// <summary>Display name of whoever generated it ("" when unknown).</summary>
    public string User { get; set => field = value ?? ""; } = "";

    public bool Favourite { get; set; }
    public List<string> Tags { get; set => field = value ?? []; } = [];

    /// <summary>Name of the cached thumbnail under &lt;data&gt;/cache/thumbnails (derived from path, size and time).</summary>
    public string Thumbnail { get; set => field = value ?? ""; } = "";

    [BsonIgnore]
    public string SizeText => $"{Width}x{Height}";
    [BsonIgnore]
    public string FileName => System.IO.Path.GetFileName(Path);
}
