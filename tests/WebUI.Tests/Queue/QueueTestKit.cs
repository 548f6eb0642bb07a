using WebUI.Diffusion.Pipelines;
using WebUI.Generation;
using WebUI.Previews;
using WebUI.Queue;
using WebUI.Storage;
using WebUI.Tests.Support;

namespace WebUI.Tests.Queue;

/// <summary>A runner that never touches a model: validation only (model "missing" is unknown); Run is not expected.</summary>
sealed class ValidatingRunner : IJobRunner
{
    public void Validate(GenerationRequest request)
    {
        if (request.Model == "missing") throw new ArgumentException("Model not found: missing");
        RequestValidator.Validate(request);
    }

    public JobRunResult Run(GenerationRequest request, JobOptions options, GenerationControl control, Action<GenerationProgress> progress, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("These tests run no jobs.");

    public PreviewMatrix? PreviewMatrixFor(GenerationRequest request) => null;

    public float[] DecodeLatent(float[] latent, int channels, int height, int width) => throw new NotSupportedException();
}

/// <summary>A fresh LiteDB file per test and queue helpers.</summary>
sealed class QueueTestKit : IDisposable
{
    readonly TempDirectory _dir = new("webui-queue");
    readonly List<IDisposable> _owned = [];

    public string DatabasePath => _dir.Combine("webui.db");

    public AppDatabase OpenDatabase()
    {
        var db = new AppDatabase(DatabasePath);
        _owned.Add(db);
        return db;
    }

    public static JobOwner User(string id) => new(id, "User " + id, JobSource.Ui);

    public static GenerationRequest Request(string prompt, int steps = 4, int batchCount = 1) => new()
    {
        Model = "demo", Prompt = prompt, Steps = steps, Width = 64, Height = 64, Seed = 100, BatchCount = batchCount,
        Sampler = "Euler", Scheduler = "Automatic",
    };

    public void Dispose()
    {
        for (int i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
        _dir.Dispose();
    }
}

/// <summary>The real engine on the shared demo data dir, with a worker started for the test.</summary>
sealed class RealQueue : IAsyncDisposable
{
    public RealQueue(DemoDataDir demo, AppDatabase db, PreviewSettings? previews = null)
    {
        Service = GenerationService.Create(new Hosting.WebUISettings { DataDir = demo.Path, IntraOpThreads = 1 }, demo.Paths);
        Runner = new EngineJobRunner(Service);
        Previews = new PreviewPublisher();
        Settings = new PreviewSettingsProvider(previews ?? new PreviewSettings());
        Queue = new JobQueue(db, Runner, Previews);
        Worker = new QueueWorker(Queue, Runner, Previews, Settings);
    }

    public GenerationService Service { get; }
    public EngineJobRunner Runner { get; }
    public PreviewPublisher Previews { get; }
    public PreviewSettingsProvider Settings { get; }
    public JobQueue Queue { get; }
    public QueueWorker Worker { get; }

    public Task StartAsync() => Worker.StartAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await Worker.StopAsync(CancellationToken.None);
        Worker.Dispose();
        Service.Dispose();
    }
}
