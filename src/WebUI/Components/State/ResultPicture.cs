namespace WebUI.Components.State;

/// <summary>One picture of a finished job as the results gallery shows it: where the browser loads it, and its PNG.</summary>
public sealed record ResultPicture(string Url, long Seed, long Subseed, int Width, int Height, string Infotext, string? FilePath, byte[] Png)
{
    public string FileName => FilePath is null ? $"{Seed}.png" : Path.GetFileName(FilePath);
}
