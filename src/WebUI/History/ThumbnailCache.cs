using System.Security.Cryptography;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using WebUI.Diffusion.Imaging;

namespace WebUI.History;

/// <summary>
/// Small previews of history pictures under &lt;data&gt;/cache/thumbnails/ab/abcdef....webp. The name is a hash of the
/// picture's path, size and modification time, so a rebuilt index finds its old thumbnails and a changed file gets a
/// new one. New pictures get theirs at save time (the pixels are at hand); found ones on first request.
/// </summary>
public sealed class ThumbnailCache
{
    readonly string _root;
    readonly HistoryOptions _options;
    // Decoding a large picture is CPU-heavy; a page of 100 new thumbnails must not take every core from the sampler.
    readonly SemaphoreSlim _decoders = new(Math.Max(1, Environment.ProcessorCount / 2));

    public ThumbnailCache(string cacheDirectory, HistoryOptions options)
    {
        _root = Path.GetFullPath(cacheDirectory);
        _options = options;
    }

    public string Root => _root;

    string Extension => _options.ThumbnailFormat == "jpeg" ? "jpg" : "webp";

    public string ContentType => _options.ThumbnailFormat == "jpeg" ? "image/jpeg" : "image/webp";

    /// <summary>The cache name for a picture file in this state.</summary>
    public string NameFor(string path, long size, long fileTimeTicks)
    {
        string key = $"{path}\n{size}\n{fileTimeTicks}\n{_options.ThumbnailSize}";
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32];
        return $"{hash}.{Extension}";
    }

    public string PathOf(string name) => Path.Combine(_root, name[..2], name);

    /// <summary>Writes the thumbnail of pixels already in memory (at save time).</summary>
    public void Create(string name, Image<Rgb24> pixels)
    {
        using var small = Shrink(pixels);
        Write(name, small);
    }

    /// <summary>The thumbnail file of <paramref name="record"/>, made from the picture when missing; null when the picture cannot be read.</summary>
    public async Task<string?> EnsureAsync(HistoryRecord record, CancellationToken cancellationToken = default)
    {
        string name = record.Thumbnail.Length > 0 ? record.Thumbnail : NameFor(record.Path, record.FileSize, record.FileTimeTicks);
        string file = PathOf(name);
        if (File.Exists(file)) return file;
        await _decoders.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (File.Exists(file)) return file;
            return await Task.Run(() =>
            {
                byte[] bytes;
                try
                {
                    bytes = File.ReadAllBytes(record.Path);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    return null;
                }
                try
                {
                    using var image = ImageInput.Load(bytes);
                    using var small = Shrink(image);
                    Write(name, small);
                    return file;
                }
                catch (ImageInputException)
                {
                    return null;
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _decoders.Release();
        }
    }

    /// <summary>Removes thumbnails no indexed picture uses any more; returns how many.</summary>
    public int Prune(IReadOnlySet<string> inUse)
    {
        if (!Directory.Exists(_root)) return 0;
        int removed = 0;
        foreach (string file in Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories))
        {
            if (inUse.Contains(Path.GetFileName(file))) continue;
            try
            {
                File.Delete(file);
                removed++;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return removed;
    }

    Image<Rgb24> Shrink(Image<Rgb24> image)
    {
        int max = _options.ThumbnailSize;
        if (image.Width <= max && image.Height <= max) return image.Clone();
        return image.Clone(x => x.Resize(new ResizeOptions { Size = new Size(max, max), Mode = ResizeMode.Max, Sampler = KnownResamplers.Triangle }));
    }

    void Write(string name, Image<Rgb24> small)
    {
        using var buffer = new MemoryStream();
        if (_options.ThumbnailFormat == "jpeg") small.Save(buffer, new JpegEncoder { Quality = 82 });
        else small.Save(buffer, new WebpEncoder { FileFormat = WebpFileFormatType.Lossy, Quality = 78, Method = WebpEncodingMethod.Fastest });
        string file = PathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        OutputWriter.WriteAtomic(file, buffer.GetBuffer().AsSpan(0, (int)buffer.Length), overwrite: true);
    }
}
