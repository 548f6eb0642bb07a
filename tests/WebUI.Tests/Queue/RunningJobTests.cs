using SixLabors.ImageSharp;
using WebUI.Diffusion.Pipelines;
using WebUI.ModelForge.Demo;
using WebUI.Previews;
using WebUI.Queue;
using WebUI.Tests.Support;

namespace WebUI.Tests.Queue;

/// <summary>Jobs run by the real worker on the demo model at 64×64 (a few milliseconds per step).</summary>
[Collection(DemoDataDirCollection.Name)]
public sealed class RunningJobTests(DemoDataDir demo) : IDisposable
{
    readonly QueueTestKit kit = new();

    [Fact]
    public async Task Queued_jobs_survive_a_restart_and_then_run_to_completion()
    {
        Guid waiting, wasRunning;
        var db = new Storage.AppDatabase(kit.DatabasePath);
        await using (var first = new RealQueue(demo, db))
        {
            // No worker in this "process": one job is taken (running when the process dies), one waits.
            wasRunning = first.Queue.Enqueue(QueueTestKit.Request("first lighthouse"), QueueTestKit.User("a")).Id;
            waiting = first.Queue.Enqueue(QueueTestKit.Request("second lighthouse"), QueueTestKit.User("b")).Id;
            var taken = await first.Queue.TakeNextAsync(CancellationToken.None);
            Assert.Equal(wasRunning, taken.Doc.Id);
        }
        db.Dispose();

        var secondDb = new Storage.AppDatabase(kit.DatabasePath);
        await using var second = new RealQueue(demo, secondDb);
        var resumed = second.Queue.Snapshot();
        Assert.Equal([wasRunning, waiting], resumed.Select(j => j.Id));
        Assert.All(resumed, j => Assert.Equal(JobState.Queued, j.State));
        Assert.Equal("first lighthouse", resumed[0].Request.Prompt);
        Assert.Equal(64, resumed[0].Request.Width);

        await second.StartAsync();
        var outcomes = new[] { await second.Queue.WaitAsync(wasRunning).WaitAsync(TimeSpan.FromMinutes(1)), await second.Queue.WaitAsync(waiting).WaitAsync(TimeSpan.FromMinutes(1)) };
        foreach (var outcome in outcomes)
        {
            Assert.False(outcome.Interrupted);
            var path = Assert.Single(outcome.SavedPaths);
            Assert.True(File.Exists(path));
            Assert.Equal(100, outcome.Result.Images[0].Seed);
            Assert.Equal(await File.ReadAllBytesAsync(path), outcome.Result.Images[0].Png);
        }
        Assert.Empty(second.Queue.Snapshot());
        Assert.Equal(JobState.Done, second.Queue.Get(waiting)!.State);
        Assert.Equal(outcomes[1].SavedPaths, second.Queue.Get(waiting)!.SavedPaths);

        // A third start still knows the finished jobs and reads their pictures back from the saved files.
        await second.DisposeAsync();
        secondDb.Dispose();
        var third = new JobQueue(kit.OpenDatabase(), new ValidatingRunner(), new PreviewPublisher());
        var again = await third.WaitAsync(waiting);
        Assert.Equal(outcomes[1].Result.Images[0].Png, again.Result.Images[0].Png);
        Assert.Equal(100, again.Result.Images[0].Seed);
        Assert.Equal(outcomes[1].Result.Images[0].Infotext, again.Result.Images[0].Infotext);
    }

    [Fact]
    public async Task Skip_ends_the_current_batch_iteration_and_the_job_goes_on_with_the_next()
    {
        await using var run = new RealQueue(demo, kit.OpenDatabase());
        var job = run.Queue.Enqueue(QueueTestKit.Request("a red barn", steps: 4, batchCount: 3), QueueTestKit.User("a"));
        bool? skipped = null;
        run.Queue.Changed += e =>
        {
            // Events come on the worker's thread during the step callback: skipping here is deterministic.
            if (e.Kind == "progress" && run.Queue.Current is { Batch: 2, Step: 2 }) skipped = run.Queue.Skip(job.Id, "a");
        };
        await run.StartAsync();
        var outcome = await run.Queue.WaitAsync(job.Id).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.True(skipped);
        Assert.False(outcome.Interrupted);
        Assert.Equal([100L, 102L], outcome.Result.Images.Select(i => i.Seed)); // batch 2 (seed 101) was skipped
        Assert.Equal(2, outcome.SavedPaths.Count);
        Assert.Equal(JobState.Done, run.Queue.Get(job.Id)!.State);
    }

    [Fact]
    public async Task Interrupt_keeps_the_pictures_finished_before_it()
    {
        await using var run = new RealQueue(demo, kit.OpenDatabase());
        var job = run.Queue.Enqueue(QueueTestKit.Request("a blue boat", steps: 4, batchCount: 3), QueueTestKit.User("a"));
        bool? otherUser = null, owner = null;
        run.Queue.Changed += e =>
        {
            if (e.Kind == "progress" && run.Queue.Current is { Batch: 2, Step: 1 } && otherUser is null)
            {
                otherUser = run.Queue.Cancel(job.Id, "b");
                owner = run.Queue.Cancel(job.Id, "a");
            }
        };
        await run.StartAsync();
        var outcome = await run.Queue.WaitAsync(job.Id).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.False(otherUser);
        Assert.True(owner);
        Assert.True(outcome.Interrupted);
        Assert.Equal([100L], outcome.Result.Images.Select(i => i.Seed));
        Assert.True(File.Exists(Assert.Single(outcome.SavedPaths)));
        var view = run.Queue.Get(job.Id)!;
        Assert.Equal(JobState.Canceled, view.State);
        Assert.True(view.Interrupted);
        Assert.Equal(outcome.SavedPaths, view.SavedPaths);
    }

    [Fact]
    public void The_engine_stops_before_the_next_UNet_call_and_hands_back_the_finished_pictures()
    {
        using var service = WebUI.Generation.GenerationService.Create(new Hosting.WebUISettings { DataDir = demo.Path, IntraOpThreads = 1 }, demo.Paths);
        var request = QueueTestKit.Request("a windmill", steps: 5, batchCount: 3);
        var full = service.Engine.Generate(request);
        int callsPerStep = full.Timings.UnetCalls / (5 * 3);
        Assert.True(callsPerStep >= 1);

        using var cts = new CancellationTokenSource();
        var control = new GenerationControl();
        var e = Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            service.Engine.Generate(request, control, p =>
            {
                if (p is { Batch: 1, Step: 2 }) cts.Cancel(); // third step of the second batch
            }, cts.Token);
        });

        var interrupted = Assert.IsType<GenerationInterruptedException>(e);
        Assert.Equal([100L], interrupted.Partial.Images.Select(i => i.Seed));
        Assert.Equal(full.Images[0].Png, interrupted.Partial.Images[0].Png);
        // 5 steps of batch 1 and 3 of batch 2 ran; not one UNet call after the cancel.
        Assert.Equal((5 + 3) * callsPerStep, interrupted.Partial.Timings.UnetCalls);
    }

    [Fact]
    public void Cancelling_before_any_picture_is_finished_is_a_plain_cancellation()
    {
        using var service = WebUI.Generation.GenerationService.Create(new Hosting.WebUISettings { DataDir = demo.Path, IntraOpThreads = 1 }, demo.Paths);
        using var cts = new CancellationTokenSource();
        var e = Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            service.Engine.Generate(QueueTestKit.Request("a windmill", batchCount: 2), new GenerationControl(), p => cts.Cancel(), cts.Token);
        });
        Assert.IsNotType<GenerationInterruptedException>(e);
    }

    [Fact]
    public async Task Each_step_publishes_a_latent_preview_frame_and_the_API_gets_a_PNG_of_it()
    {
        await using var run = new RealQueue(demo, kit.OpenDatabase(), new PreviewSettings { EveryNSteps = 2 });
        var job = run.Queue.Enqueue(QueueTestKit.Request("a castle", steps: 5), QueueTestKit.User("a"));
        var frames = new List<(int Step, byte[] Bytes, string Matrix)>();
        byte[]? png = null;
        JobProgressSnapshot? lastProgress = null;
        run.Queue.Changed += e =>
        {
            if (e.Kind == "progress") lastProgress = run.Queue.Current;
            if (e.Kind != "preview") return;
            var frame = run.Queue.CurrentPreview!;
            Assert.Equal(job.Id, frame.JobId);
            frames.Add((frame.Step, frame.Bytes.ToArray(), frame.MatrixJson));
            png ??= run.Queue.CurrentPreviewPng;
        };
        await run.StartAsync();
        await run.Queue.WaitAsync(job.Id).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal([2, 4, 5], frames.Select(f => f.Step)); // every 2nd step and the last
        var header = LatentFrameCodec.ReadHeader(frames[0].Bytes);
        Assert.Equal((4, 8, 8, 5, 1, 1), (header.Channels, header.Width, header.Height, header.Steps, header.Batch, header.BatchCount));
        Assert.Equal(LatentFrameCodec.FrameBytes(4, 8, 8), frames[0].Bytes.Length);
        Assert.Equal(PreviewPublisher.ToJson(new PreviewMatrix(DemoModel.LatentToRgb.Factors, DemoModel.LatentToRgb.Bias)), frames[0].Matrix);

        Assert.NotNull(png);
        var info = Image.Identify(png);
        Assert.Equal((64, 64), (info.Width, info.Height));
        Assert.Null(run.Queue.CurrentPreviewPng); // idle again
        Assert.Null(run.Queue.CurrentPreview);

        Assert.NotNull(lastProgress);
        Assert.Equal((1, 5, 5, 1.0), (lastProgress!.Batch, lastProgress.Step, lastProgress.Steps, lastProgress.Fraction));
        Assert.Equal(TimeSpan.Zero, lastProgress.Eta);
    }

    [Fact]
    public async Task Full_previews_are_JPEGs_decoded_by_the_models_VAE()
    {
        await using var run = new RealQueue(demo, kit.OpenDatabase(), new PreviewSettings { Method = PreviewMethod.Full, EveryNSteps = 3 });
        var job = run.Queue.Enqueue(QueueTestKit.Request("a castle", steps: 3), QueueTestKit.User("a"));
        var frames = new List<(PreviewFormat Format, byte[] Bytes)>();
        run.Queue.Changed += e =>
        {
            if (e.Kind == "preview") frames.Add((run.Queue.CurrentPreview!.Format, run.Queue.CurrentPreview.Bytes.ToArray()));
        };
        await run.StartAsync();
        await run.Queue.WaitAsync(job.Id).WaitAsync(TimeSpan.FromMinutes(1));

        var (format, bytes) = Assert.Single(frames);
        Assert.Equal(PreviewFormat.Jpeg, format);
        var info = Image.Identify(bytes, out var detected);
        Assert.Equal("JPEG", detected.Name);
        Assert.Equal((64, 64), (info.Width, info.Height));
    }

    [Fact]
    public async Task Taesd_previews_are_JPEGs_from_the_tiny_decoder_and_fall_back_to_approximate_without_one()
    {
        string approx = Path.Combine(demo.Paths.ModelsDir, "VAE-approx");
        string file = Path.Combine(approx, WebUI.ModelForge.TaesdModels.DecoderFile);
        var taesd = new PreviewSettings { Method = PreviewMethod.Taesd, EveryNSteps = 1 };

        // Without a TAESD file the method falls back to the cheap latent frames.
        Assert.False(File.Exists(file));
        var cheap = await PreviewFrames(taesd, "a lighthouse");
        Assert.Equal(3, cheap.Count);
        Assert.All(cheap, f => Assert.Equal(PreviewFormat.Latent8, f.Format));

        WebUI.ModelForge.TaesdModels.BuildDecoder(file, channels: 8);
        try
        {
            var frames = await PreviewFrames(taesd, "a lighthouse");
            Assert.Equal(3, frames.Count);
            foreach (var (format, bytes) in frames)
            {
                Assert.Equal(PreviewFormat.Jpeg, format);
                var info = Image.Identify(bytes, out var detected);
                Assert.Equal("JPEG", detected.Name);
                Assert.Equal((64, 64), (info.Width, info.Height));
            }
            // Each step's denoised latent decodes to a different picture.
            Assert.NotEqual(frames[0].Bytes, frames[1].Bytes);
            Assert.NotEqual(frames[1].Bytes, frames[2].Bytes);
        }
        finally { File.Delete(file); }
    }

    async Task<List<(PreviewFormat Format, byte[] Bytes)>> PreviewFrames(PreviewSettings settings, string prompt)
    {
        using var ownKit = new QueueTestKit(); // a fresh database per run
        await using var run = new RealQueue(demo, ownKit.OpenDatabase(), settings);
        var job = run.Queue.Enqueue(QueueTestKit.Request(prompt, steps: 3), QueueTestKit.User("a"));
        var frames = new List<(PreviewFormat Format, byte[] Bytes)>();
        run.Queue.Changed += e =>
        {
            if (e.Kind == "preview" && run.Queue.CurrentPreview is { } p) lock (frames) frames.Add((p.Format, p.Bytes.ToArray()));
        };
        await run.StartAsync();
        await run.Queue.WaitAsync(job.Id).WaitAsync(TimeSpan.FromMinutes(1));
        return frames;
    }

    [Fact]
    public void The_engine_exposes_the_demo_models_exact_preview_matrix()
    {
        using var service = WebUI.Generation.GenerationService.Create(new Hosting.WebUISettings { DataDir = demo.Path }, demo.Paths);
        var matrix = service.Engine.PreviewMatrixFor("demo");
        Assert.Equal(DemoModel.LatentToRgb.Factors, matrix.Factors);
        Assert.Equal(DemoModel.LatentToRgb.Bias, matrix.Bias);
    }

    public void Dispose() => kit.Dispose();
}
