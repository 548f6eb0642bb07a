using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using WebUI.Diffusion.Imaging;
using WebUI.Diffusion.Pipelines;
using WebUI.Hosting;

namespace WebUI.History;

/// <summary>One file the saver wrote.</summary>
public sealed record SavedFile(string Path, long Seed, int Width, int Height, string Infotext);

/// <summary>The pictures of a job as saved, in the job's order, and the grid when one was saved.</summary>
public sealed record SaveResult(IReadOnlyList<SavedFile> Images, SavedFile? Grid)
{
    public static SaveResult Empty { get; } = new([], null);
}

/// <summary>A picture that just landed on disk, with its pixels (valid only during the call) for the thumbnail.</summary>
public sealed record SavedImage(
    string Path, string Kind, string Format, int Width, int Height, string Infotext, DateTime CreatedUtc, string? User, Image<Rgb24> Pixels);

/// <summary>Receives every picture the saver writes; the history index implements it.</summary>
public interface ISavedImageSink
{
    /// <summary>Called on the saving thread right after the file is in place. Must not throw for index problems.</summary>
    void OnSaved(SavedImage image);
}

/// <summary>
/// Saves a job's pictures as A1111's save_image does: per-tab folders with a [date] subfolder, NNNNN-[pattern] names,
/// the chosen format with the infotext embedded (PNG text chunk, or EXIF UserComment for JPEG/WebP), a grid for
/// batches, params.txt, optional .txt files; every write is atomic (see <see cref="OutputWriter"/>). Each saved picture
/// is handed to the <see cref="ISavedImageSink"/> (the history index) when there is one.
/// </summary>
public sealed class ImageSaver(WebUIPaths paths, SavingOptions options, ISavedImageSink? sink = null, ILogger<ImageSaver>? logger = null)
{
    public WebUIPaths Paths => paths;
    public SavingOptions Options => options;

    /// <summary>
    /// The same saver (same history index) with other settings for one job, e.g. an API request's
    /// override_settings: <c>saver.With(o)</c> where <c>o = saver.Options.Clone()</c> with the overrides applied.
    /// </summary>
    public ImageSaver With(SavingOptions jobOptions) => new(paths, jobOptions, sink, logger);

    /// <summary>Folder of a tab's images before the [date] subfolder.</summary>
    public string SamplesDirectory(bool img2img) => Folder(
        options.OutdirSamples.Length > 0 ? options.OutdirSamples : img2img ? options.OutdirImg2ImgSamples : options.OutdirTxt2ImgSamples,
        img2img ? "img2img-images" : "txt2img-images");

    /// <summary>Folder of a tab's grids before the [date] subfolder.</summary>
    public string GridsDirectory(bool img2img) => Folder(
        options.OutdirGrids.Length > 0 ? options.OutdirGrids : img2img ? options.OutdirImg2ImgGrids : options.OutdirTxt2ImgGrids,
        img2img ? "img2img-grids" : "txt2img-grids");

    /// <summary>Every folder the saver may write into (the history indexes and serves them).</summary>
    public IEnumerable<string> OutputFolders() =>
        [paths.OutputsDir, SamplesDirectory(false), SamplesDirectory(true), GridsDirectory(false), GridsDirectory(true)];

    string Folder(string setting, string defaultName) =>
        setting.Length > 0 ? System.IO.Path.GetFullPath(System.IO.Path.Combine(paths.DataDir, setting)) : System.IO.Path.Combine(paths.OutputsDir, defaultName);

    /// <summary>Writes the pictures of <paramref name="result"/> to <paramref name="target"/>; <paramref name="user"/> is recorded in the history.</summary>
    public SaveResult Save(GenerationResult result, OutputTarget target, string? user = null, DateTimeOffset? jobStarted = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(target);
        if (target is OutputTarget.Nowhere || result.Images.Count == 0) return SaveResult.Empty;
        options.Validate();

        var request = result.Request;
        var started = jobStarted ?? DateTimeOffset.Now;
        var seeds = result.Images.Select(i => i.Seed).ToList();
        var pixels = new Image<Rgb24>?[result.Images.Count];
        try
        {
            var saved = new List<SavedFile>(result.Images.Count);
            for (int i = 0; i < result.Images.Count; i++)
            {
                GeneratedImage image = result.Images[i];
                int index = i;
                Image<Rgb24> Pixels() => pixels[index] ??= Image.Load<Rgb24>(image.Png);
                var context = ContextFor(request, image, i, seeds, started, user, Pixels);
                var created = NextTimestamp();
                string path = target switch
                {
                    OutputTarget.AsFile f => OutputWriter.SaveExact(OutputWriter.IndexedFileName(f.Path, i), Encode(image, Pixels, ImageFileFormat.Png), created),
                    OutputTarget.IntoFolder f => SaveImage(System.IO.Path.GetFullPath(f.Directory), saveToDirs: false, image, Pixels, context, created),
                    _ => SaveImage(SamplesDirectory(request.IsImg2Img), options.SaveToDirs, image, Pixels, context, created),
                };
                saved.Add(new SavedFile(path, image.Seed, image.Width, image.Height, image.Infotext));
                // Only the output folders are history; a CLI --out file or folder is the caller's own business.
                if (target is OutputTarget.DatedFolders)
                    Notify(path, request.IsImg2Img ? ImageKinds.Img2Img : ImageKinds.Txt2Img, image.Infotext, created, user, Pixels);
            }

            SavedFile? grid = null;
            bool wantGrid = options.GridSave && (result.Images.Count >= 2 || !options.GridOnlyIfMultiple);
            if (target is OutputTarget.DatedFolders && wantGrid) grid = SaveGrid(result, pixels, seeds, started, user);
            if (target is OutputTarget.DatedFolders) WriteLastParameters(result.Images[0].Infotext);
            return new SaveResult(saved, grid);
        }
        finally
        {
            foreach (var p in pixels) p?.Dispose();
        }
    }

    string SaveImage(string baseDirectory, bool saveToDirs, GeneratedImage image, Func<Image<Rgb24>> pixels, FileNameContext context, DateTime created)
    {
        var pattern = Pattern();
        string directory = saveToDirs ? Subfolder(baseDirectory, pattern, context) : baseDirectory;
        string decoration = pattern.Apply(
            options.SamplesFilenamePattern.Length > 0 ? options.SamplesFilenamePattern : options.SaveToDirs ? "[seed]" : "[seed]-[prompt_spaces]",
            context);
        var format = FormatFor(PngText.ParseFormat(options.SamplesFormat), image.Width, image.Height);
        byte[] bytes = Encode(image, pixels, format);
        return Write(directory, "", decoration, format, bytes, image.Infotext, created);
    }

    SavedFile SaveGrid(GenerationResult result, Image<Rgb24>?[] pixels, List<long> seeds, DateTimeOffset started, string? user)
    {
        var request = result.Request;
        var images = new List<Image<Rgb24>>(result.Images.Count);
        for (int i = 0; i < result.Images.Count; i++) images.Add(pixels[i] ??= Image.Load<Rgb24>(result.Images[i].Png));
        int rows = ImageGrid.Rows(images.Count, request.BatchSize, options.GridRows, options.GridPreventEmptySpots);
        using var grid = ImageGrid.Compose(images, rows, ImageGrid.ParseColor(options.GridBackgroundColor));

        // A1111 saves the grid with the first image's seed and prompt, basename "grid", short name unless extended.
        var first = result.Images[0];
        string infotext = first.Infotext;
        var context = ContextFor(request, first, 0, seeds, started, user, () => grid) with { Width = grid.Width, Height = grid.Height, Basename = "grid" };
        var pattern = Pattern();
        string baseDirectory = GridsDirectory(request.IsImg2Img);
        string directory = options.GridSaveToDirs ? Subfolder(baseDirectory, pattern, context) : baseDirectory;
        string decoration = options.GridExtendedFilename
            ? pattern.Apply(options.SamplesFilenamePattern.Length > 0 ? options.SamplesFilenamePattern : options.SaveToDirs ? "[seed]" : "[seed]-[prompt_spaces]", context)
            : "";
        var format = FormatFor(PngText.ParseFormat(options.GridFormat), grid.Width, grid.Height);
        byte[] bytes = PngText.Encode(grid, options.EnablePnginfo ? infotext : null, format, options.JpegQuality, options.WebpLossless);
        var created = NextTimestamp();
        string path = Write(directory, "grid", decoration, format, bytes, infotext, created);
        Notify(path, ImageKinds.Grid, infotext, created, user, () => grid);
        return new SavedFile(path, first.Seed, grid.Width, grid.Height, infotext);
    }

    string Write(string directory, string basename, string decoration, ImageFileFormat format, byte[] bytes, string infotext, DateTime created)
    {
        string extension = PngText.Extension(format);
        bool number = options.SaveImagesAddNumber || decoration.Length == 0;
        string path = number
            ? OutputWriter.SaveNumbered(directory, basename, decoration, extension, bytes, created)
            : OutputWriter.SaveNamed(directory, decoration, extension, bytes, options.SaveImagesReplaceAction == "Replace", created);
        if (options.SaveTxt)
            OutputWriter.SaveExact(System.IO.Path.ChangeExtension(path, ".txt"), System.Text.Encoding.UTF8.GetBytes(infotext), created);
        return path;
    }

    /// <summary>The [date]-style subfolder; a pattern that would climb out of the base folder is refused.</summary>
    string Subfolder(string baseDirectory, FileNamePattern pattern, FileNameContext context)
    {
        string name = pattern.Apply(options.DirectoriesFilenamePattern.Length > 0 ? options.DirectoriesFilenamePattern : "[prompt_words]", context)
            .TrimStart(' ').TrimEnd('\\', ' ', '/');
        string full = System.IO.Path.GetFullPath(System.IO.Path.Combine(baseDirectory, name));
        string root = System.IO.Path.GetFullPath(baseDirectory).TrimEnd(System.IO.Path.DirectorySeparatorChar) + System.IO.Path.DirectorySeparatorChar;
        if (!(full + System.IO.Path.DirectorySeparatorChar).StartsWith(root, StringComparison.Ordinal))
            throw new ArgumentException($"Setting Saving:DirectoriesFilenamePattern \"{options.DirectoriesFilenamePattern}\" leads outside {baseDirectory}.");
        return full;
    }

    byte[] Encode(GeneratedImage image, Func<Image<Rgb24>> pixels, ImageFileFormat format)
    {
        // The engine's PNG already carries the parameters chunk; re-encode only for another format or no metadata.
        if (format == ImageFileFormat.Png && options.EnablePnginfo) return image.Png;
        return PngText.Encode(pixels(), options.EnablePnginfo ? image.Infotext : null, format, options.JpegQuality, options.WebpLossless);
    }

    /// <summary>JPEG stops at 65535 px and WebP at 16383 px a side; A1111 falls back to PNG beyond.</summary>
    static ImageFileFormat FormatFor(ImageFileFormat wanted, int width, int height) => wanted switch
    {
        ImageFileFormat.Jpeg when width > 65535 || height > 65535 => ImageFileFormat.Png,
        ImageFileFormat.Webp when width > 16383 || height > 16383 => ImageFileFormat.Png,
        _ => wanted,
    };

    FileNamePattern Pattern() => new(options.FilenamesMaxLength, options.DirectoriesMaxPromptWords);

    static FileNameContext ContextFor(GenerationRequest request, GeneratedImage image, int index, IReadOnlyList<long> seeds,
        DateTimeOffset started, string? user, Func<Image<Rgb24>> pixels)
    {
        var parsed = Infotext.Parse(image.Infotext).Parameters;
        string? Param(string key) => parsed.TryGetValue(key, out var v) && v.Length > 0 ? v : null;
        int batchSize = Math.Max(1, request.BatchSize);
        return new FileNameContext
        {
            Seed = image.Seed,
            AllSeeds = seeds,
            BatchSize = batchSize,
            BatchCount = Math.Max(1, request.BatchCount),
            Iteration = index / batchSize,
            BatchIndex = index % batchSize,
            Steps = request.Steps,
            CfgScale = request.CfgScale,
            Width = image.Width,
            Height = image.Height,
            SamplerName = Param("Sampler") ?? request.Sampler,
            ScheduleLabel = Param("Schedule type") ?? request.Scheduler,
            ModelName = Param("Model"),
            ModelHash = Param("Model hash"),
            Prompt = parsed.TryGetValue("Prompt", out var prompt) ? prompt : request.Prompt,
            NegativePrompt = parsed.TryGetValue("Negative prompt", out var negative) ? negative : request.NegativePrompt,
            DenoisingStrength = request.IsImg2Img ? request.DenoisingStrength : null,
            User = string.IsNullOrEmpty(user) ? null : user,
            ClipSkip = int.TryParse(Param("Clip skip"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int clip) ? clip : 1,
            VaeFilename = Param("VAE"),
            Now = DateTimeOffset.Now,
            JobStarted = started,
            ImageBytes = () => RawRgb(pixels()),
        };
    }

    static byte[] RawRgb(Image<Rgb24> image)
    {
        var bytes = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(bytes);
        return bytes;
    }

    void Notify(string path, string kind, string infotext, DateTime created, string? user, Func<Image<Rgb24>> pixels)
    {
        if (sink is null) return;
        try
        {
            var image = pixels();
            string format = System.IO.Path.GetExtension(path).ToLowerInvariant() switch { ".jpg" or ".jpeg" => "JPEG", ".webp" => "WEBP", _ => "PNG" };
            sink.OnSaved(new SavedImage(path, kind, format, image.Width, image.Height, infotext, created, user, image));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The picture is safely on disk; the next reconcile indexes it. A broken index must not fail the job.
            logger?.LogWarning(e, "Could not add {Path} to the history index", path);
        }
    }

    void WriteLastParameters(string infotext)
    {
        try
        {
            Directory.CreateDirectory(paths.DataDir);
            OutputWriter.SaveExact(paths.ParamsFile, System.Text.Encoding.UTF8.GetBytes(infotext));
        }
        catch (IOException)
        {
            // params.txt is a convenience (A1111's "paste last prompt"); a locked file must not fail the job.
        }
    }

    static long _lastCreatedTicks;

    /// <summary>
    /// The creation time of the next picture: now at millisecond precision (what LiteDB keeps), but always later than the
    /// previous one of this process, so a batch keeps its order when the index is rebuilt from file times.
    /// </summary>
    static DateTime NextTimestamp()
    {
        long now = TruncateToMilliseconds(DateTime.UtcNow).Ticks;
        while (true)
        {
            long last = Interlocked.Read(ref _lastCreatedTicks);
            long next = Math.Max(now, last + TimeSpan.TicksPerMillisecond);
            if (Interlocked.CompareExchange(ref _lastCreatedTicks, next, last) == last) return new DateTime(next, DateTimeKind.Utc);
        }
    }

    internal static DateTime TruncateToMilliseconds(DateTime t) =>
        new(t.Ticks - t.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
}
