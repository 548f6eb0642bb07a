namespace WebUI.Components.State;

/// <summary>
/// Pictures the browser must show but that are not saved outputs yet: uploads for img2img, inpaint masks, PNG Info
/// files. Kept in memory under unguessable ids and served at <c>/scratch/{id}</c> so the page refers to them by URL
/// instead of pushing megabytes of base64 through the circuit. Oldest entries go first when the budget is exceeded.
/// </summary>
public sealed class ScratchImageStore
{
    public const string Prefix = "/scratch/";
    readonly object _gate = new();
    readonly LinkedList<(string Id, byte[] Data, string ContentType)> _entries = new();
    readonly Dictionary<string, LinkedListNode<(string Id, byte[] Data, string ContentType)>> _byId = new(StringComparer.Ordinal);
    readonly long _budgetBytes;
    long _bytes;

    public ScratchImageStore(long budgetBytes = 256L * 1024 * 1024) => _budgetBytes = budgetBytes;

    /// <summary>Keeps the bytes and returns the URL that serves them.</summary>
    public string Add(byte[] data, string contentType)
    {
        ArgumentNullException.ThrowIfNull(data);
        string id = Guid.NewGuid().ToString("N");
        lock (_gate)
        {
            _byId[id] = _entries.AddLast((id, data, contentType));
            _bytes += data.Length;
            while (_bytes > _budgetBytes && _entries.Count > 1)
            {
                var oldest = _entries.First!;
                _entries.RemoveFirst();
                _byId.Remove(oldest.Value.Id);
                _bytes -= oldest.Value.Data.Length;
            }
        }
        return Prefix + id;
    }

    public bool TryGet(string id, out byte[] data, out string contentType)
    {
        lock (_gate)
        {
            if (_byId.TryGetValue(id, out var node))
            {
                (data, contentType) = (node.Value.Data, node.Value.ContentType);
                return true;
            }
        }
        (data, contentType) = ([], "");
        return false;
    }

    /// <summary>MIME type from the file signature (uploads are served back with the type of what they are, not what they claim).</summary>
    public static string ContentTypeOf(ReadOnlySpan<byte> b)
    {
        if (b.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])) return "image/png";
        if (b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return "image/jpeg";
        if (b.Length >= 12 && b[..4].SequenceEqual("RIFF"u8) && b[8..12].SequenceEqual("WEBP"u8)) return "image/webp";
        if (b.StartsWith("GIF8"u8)) return "image/gif";
        if (b.StartsWith("BM"u8)) return "image/bmp";
        return "application/octet-stream";
    }
}
