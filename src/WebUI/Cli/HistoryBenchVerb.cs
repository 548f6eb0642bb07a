using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using WebUI.Diffusion.Imaging;
using WebUI.History;
using WebUI.Hosting;

namespace WebUI.Cli;

/// <summary>
/// `webui bench history [--images 100000] [--files 10000] [--work-dir DIR]`: fills a throw-away history index with
/// synthetic pictures (A1111-like prompts with a Zipf word distribution, several models, samplers and sizes), then reports
/// insert and load times, page / search / filter latencies (p50, p95, max over random requests) from the in-memory
/// catalog the History tab uses and from LiteDB's indexes (the CLI path), and reconcile speed over real PNG files.
/// </summary>
static class HistoryBenchVerb
{
    public static Command Create(CliContext context)
    {
        var images = new Option<int>("--images") { Description = "Indexed pictures", DefaultValueFactory = _ => 100_000 };
        var files = new Option<int>("--files") { Description = "PNG files for the reconcile timing", DefaultValueFactory = _ => 10_000 };
        var workDir = new Option<string?>("--work-dir") { Description = "Scratch folder (default: a new temp folder, deleted afterwards)" };
        var command = new Command("history", "Benchmark the image history: index size, page and search times, reconcile speed.") { images, files, workDir };
        command.SetAction((parse, cancellationToken) => WebUICommandLine.Guard(context, () =>
        {
            int count = parse.GetValue(images), fileCount = parse.GetValue(files);
            if (count < 1000) throw new UsageException($"--images must be at least 1000, got {count}.");
            if (fileCount < 0) throw new UsageException($"--files must be 0 or more, got {fileCount}.");
            string? given = parse.GetValue(workDir);
            string root = given ?? Path.Combine(Path.GetTempPath(), $"webui-history-bench-{Guid.NewGuid():N}");
            Directory.CreateDirectory(root);
            try
            {
                var o = context.Out;
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"history bench: {count} indexed pictures, {fileCount} files, {Environment.ProcessorCount} cores"));
                IndexBench(o, Path.Combine(root, "index"), count, cancellationToken);
                if (fileCount > 0) ReconcileBench(o, Path.Combine(root, "files"), fileCount, cancellationToken);
            }
            finally
            {
                if (given is null) Directory.Delete(root, recursive: true);
            }
            return Task.FromResult(WebUICommandLine.Success);
        }));
        return command;
    }

    static (WebUISettings, WebUIPaths) Setup(string dataDir)
    {
        var settings = new WebUISettings { DataDir = dataDir };
        settings.History.ReconcileOnStart = false;
        return (settings, WebUIPaths.From(settings));
    }

    static void IndexBench(TextWriter o, string dataDir, int count, CancellationToken cancellationToken)
    {
        var (settings, paths) = Setup(dataDir);
        var corpus = new SyntheticCorpus(seed: 1);
        var clock = Stopwatch.StartNew();
        using (var host = HistoryHost.Open(settings, paths))
        {
            host.Store.EnsureOpen();
            const int batch = 5000;
            for (int done = 0; done < count; done += batch)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var records = Enumerable.Range(done, Math.Min(batch, count - done)).Select(i => corpus.Record(i, paths.Txt2ImgDir)).ToList();
                host.Store.Apply(records, [], []);
            }
            Line(o, $"insert: {count} records in {clock.Elapsed.TotalSeconds:0.0} s ({count / clock.Elapsed.TotalSeconds:0} records/s)");
        }
        Line(o, $"database file: {new FileInfo(Path.Combine(paths.DataDir, "webui.db")).Length / 1048576.0:0.0} MiB");

        GC.Collect();
        long before = GC.GetTotalMemory(true);
        clock.Restart();
        using var reopened = HistoryHost.Open(settings, paths);
        reopened.Store.EnsureOpen();
        var catalog = reopened.Store.Catalog;
        long after = GC.GetTotalMemory(true);
        Line(o, $"catalog load at start: {clock.Elapsed.TotalMilliseconds:0} ms, {catalog.Count} pictures, managed heap +{(after - before) / 1048576.0:0.0} MiB (catalog and LiteDB page cache)");

        var rng = new Random(7);
        const int samples = 300;
        Measure(o, "page (100 at a random offset, all pictures)", samples, _ => catalog.Page(HistoryQuery.All, rng.Next(count - 100), 100).Items.Count);
        Measure(o, "page uncached (index changed before each request)", samples / 3, i =>
        {
            catalog.SetFavourite(1 + i, i % 2 == 0); // any write invalidates the cached result
            return catalog.Page(HistoryQuery.All, rng.Next(count - 100), 100).Items.Count;
        });
        Measure(o, "search, 1 word (prefix), first page", samples, _ => catalog.Page(new HistoryQuery { Text = corpus.QueryWord(rng) }, 0, 100).Total);
        Measure(o, "search, 2 words (prefix), first page", samples, _ =>
            catalog.Page(new HistoryQuery { Text = corpus.QueryWord(rng) + " " + corpus.QueryWord(rng) }, 0, 100).Total);
        Measure(o, "search, common 2-letter prefix, both prompts", samples, _ =>
            catalog.Page(new HistoryQuery { Text = corpus.QueryWord(rng)[..2], Scope = SearchScope.Both }, 0, 100).Total);
        Measure(o, "filter model + sampler + favourites, deep page", samples, _ =>
        {
            var q = new HistoryQuery { Model = corpus.Model(rng), Sampler = corpus.Sampler(rng), FavouritesOnly = rng.Next(2) == 0 };
            int total = catalog.Page(q, 0, 1).Total;
            return catalog.Page(q, Math.Max(0, total - 100), 100).Items.Count;
        });
        Measure(o, "open one record (lightbox)", samples, _ => reopened.Store.Get(1 + rng.Next(count)) is null ? 0 : 1);
        Measure(o, "LiteDB (CLI path): newest 20", samples / 3, _ => reopened.Store.QueryDatabase(HistoryQuery.All, 20).Count);
        Measure(o, "LiteDB (CLI path, CreatedUtc index walk): 1 word, newest 20", samples / 3, _ =>
            reopened.Store.QueryDatabase(new HistoryQuery { Text = corpus.QueryWord(rng) }, 20).Count);
    }

    static void ReconcileBench(TextWriter o, string dataDir, int count, CancellationToken cancellationToken)
    {
        var (settings, paths) = Setup(dataDir);
        var corpus = new SyntheticCorpus(seed: 2);
        var clock = Stopwatch.StartNew();
        using (var pixels = new Image<Rgb24>(64, 64))
        {
            for (int i = 0; i < count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                pixels[i % 64, i / 64 % 64] = new Rgb24((byte)i, (byte)(i >> 8), 200);
                string folder = Path.Combine(paths.Txt2ImgDir, $"2024-01-{1 + i % 28:00}");
                if (i < 28) Directory.CreateDirectory(folder);
                File.WriteAllBytes(Path.Combine(folder, $"{i:00000}-{i}.png"), PngText.EncodePng(pixels, corpus.Infotext(i)));
            }
        }
        Line(o, $"reconcile setup: wrote {count} PNG files (64x64 with infotext) in {clock.Elapsed.TotalSeconds:0.0} s");

        using var host = HistoryHost.Open(settings, paths);
        var first = host.Reconciler.Run(cancellationToken: cancellationToken);
        Line(o, $"reconcile, empty index: {first.Added} added in {first.Elapsed.TotalSeconds:0.00} s ({first.Added / first.Elapsed.TotalSeconds:0} files/s)");
        var second = host.Reconciler.Run(cancellationToken: cancellationToken);
        Line(o, $"reconcile, nothing changed: {second.Unchanged} unchanged in {second.Elapsed.TotalSeconds:0.00} s ({second.Scanned / second.Elapsed.TotalSeconds:0} files/s)");
    }

    static void Measure(TextWriter o, string name, int samples, Func<int, int> action)
    {
        action(0); // warm-up (JIT)
        var times = new double[samples];
        for (int i = 0; i < samples; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action(i + 1);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        Line(o, $"{name}: p50 {times[samples / 2]:0.00} ms, p95 {times[(int)(samples * 0.95)]:0.00} ms, max {times[^1]:0.00} ms");
    }

    static void Line(TextWriter o, FormattableString text) => o.WriteLine(text.ToString(CultureInfo.InvariantCulture));

    /// <summary>A1111-like prompts: a Zipf-distributed vocabulary, a few models, samplers, sizes and users.</summary>
    sealed class SyntheticCorpus(int seed)
    {
        static readonly string[] Models = ["demo", "v1-5-pruned-emaonly", "sd_xl_base_1.0", "dreamshaper_8", "realisticVision_v51"];
        static readonly string[] Samplers = ["DPM++ 2M", "Euler a", "Euler", "DPM++ SDE", "DDIM", "UniPC"];
        static readonly (int W, int H)[] Sizes = [(512, 512), (512, 768), (768, 512), (1024, 1024), (832, 1216)];
        static readonly string[] Syllables = ["ka", "lo", "mi", "ra", "ne", "so", "tu", "vi", "da", "pe", "zo", "ri", "an", "el", "or", "us"];
        readonly Random _rng = new(seed);
        readonly string[] _vocabulary = BuildVocabulary(6000, seed);
        readonly string[] _negative = BuildVocabulary(300, seed + 1);

        static string[] BuildVocabulary(int size, int seed)
        {
            var rng = new Random(seed);
            var words = new HashSet<string>();
            while (words.Count < size)
            {
                int n = 2 + rng.Next(3);
                words.Add(string.Concat(Enumerable.Range(0, n).Select(_ => Syllables[rng.Next(Syllables.Length)])));
            }
            return [.. words];
        }

        /// <summary>Zipf-like: low ranks are common ("masterpiece"), high ranks rare.</summary>
        string Word(string[] vocabulary, Random rng) => vocabulary[(int)(Math.Pow(rng.NextDouble(), 3) * vocabulary.Length)];

        public string QueryWord(Random rng) => Word(_vocabulary, rng);
        public string Model(Random rng) => Models[rng.Next(Models.Length)];
        public string Sampler(Random rng) => Samplers[rng.Next(Samplers.Length)];

        public string Infotext(int i)
        {
            string prompt = string.Join(", ", Enumerable.Range(0, 10 + _rng.Next(15)).Select(_ => Word(_vocabulary, _rng)));
            string negative = string.Join(", ", Enumerable.Range(0, 3 + _rng.Next(8)).Select(_ => Word(_negative, _rng)));
            var (w, h) = Sizes[i % Sizes.Length];
            return $"{prompt}\nNegative prompt: {negative}\nSteps: {10 + i % 30}, Sampler: {Samplers[i % Samplers.Length]}, Schedule type: Karras, "
                   + $"CFG scale: {5 + i % 6}, Seed: {1000 + i}, Size: {w}x{h}, Model hash: 0123456789, Model: {Models[i % Models.Length]}, Version: v1.10.1";
        }

        public HistoryRecord Record(int i, string folder)
        {
            var (w, h) = Sizes[i % Sizes.Length];
            var created = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(i * 300.0);
            var record = new HistoryRecord
            {
                Path = Path.Combine(folder, created.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), $"{i:00000}-{1000 + i}.png"),
                FileSize = 400_000 + i % 1000,
                FileTimeTicks = created.Ticks,
                CreatedUtc = created,
                Format = "PNG",
                Width = w,
                Height = h,
                Infotext = Infotext(i),
                Kind = i % 50 == 49 ? ImageKinds.Grid : ImageKinds.Txt2Img,
                User = i % 3 == 0 ? "alice" : "bob",
                Favourite = i % 40 == 0,
            };
            HistoryRecordFactory.ApplyInfotext(record);
            record.User = i % 3 == 0 ? "alice" : "bob";
            return record;
        }
    }
}
