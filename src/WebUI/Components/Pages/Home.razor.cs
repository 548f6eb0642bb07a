using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;
using WebUI.Diffusion.Sampling;
using WebUI.Generation;

namespace WebUI.Components.Pages;

/// <summary>
/// The txt2img page: A1111's controls, one Generate/Interrupt button, live progress, the pictures and their infotext.
/// Work runs on the generation service's worker; this component only awaits it, so the circuit stays responsive.
/// </summary>
public partial class Home
{
    // Progress arrives once per sampling step; repainting more often than this only costs bandwidth.
    static readonly TimeSpan ProgressRepaintInterval = TimeSpan.FromMilliseconds(100);

    [Inject] IGenerationService Generation { get; set; } = default!;
    [Inject] ISnackbar Snackbar { get; set; } = default!;
    [Inject] ILogger<Home> Logger { get; set; } = default!;

    readonly Txt2ImgForm form = new();
    readonly IReadOnlyList<string> samplers = SamplerCatalog.Names;
    readonly IReadOnlyList<string> schedulers = SamplerCatalog.SchedulerLabels;
    IReadOnlyList<CheckpointInfo> checkpoints = [];
    IReadOnlyDictionary<string, string> errors = new Dictionary<string, string>();
    IReadOnlyList<SavedPicture> pictures = [];
    int selected;
    TimeSpan elapsed;

    bool running, interrupting;
    JobProgress progress;
    DateTime lastRepaint;
    CancellationTokenSource? jobCancellation;

    protected override void OnInitialized() => LoadCheckpoints();

    void LoadCheckpoints()
    {
        checkpoints = Generation.ListCheckpoints();
        if (!checkpoints.Any(c => c.Name == form.Model))
            form.Model = checkpoints.FirstOrDefault(c => c.Name == Hosting.DemoModelBootstrap.DemoName)?.Name
                         ?? checkpoints.FirstOrDefault()?.Name ?? "";
    }

    void RefreshCheckpoints() => LoadCheckpoints();

    string CheckpointTitle(string? name) => checkpoints.FirstOrDefault(c => c.Name == name)?.Title ?? name ?? "";

    bool HasError(string field) => errors.ContainsKey(field);
    string? ErrorOf(string field) => errors.TryGetValue(field, out var message) ? message : null;

    string ProgressText => progress.Steps == 0
        ? "Waiting..."
        : progress.BatchCount > 1
            ? $"Batch {progress.Batch}/{progress.BatchCount} · step {progress.Step}/{progress.Steps}"
            : $"Step {progress.Step}/{progress.Steps}";

    async Task OnPromptKeyDown(KeyboardEventArgs e)
    {
        if (e.CtrlKey && e.Key == "Enter" && !running) await GenerateAsync();
    }

    async Task GenerateAsync()
    {
        if (running) return;
        var request = form.ToRequest();
        errors = FormValidator.Validate(request);
        if (errors.Count > 0)
        {
            Snackbar.Add(string.Join(" ", errors.Values), Severity.Error);
            return;
        }

        running = true;
        interrupting = false;
        progress = default;
        jobCancellation = new CancellationTokenSource();
        try
        {
            var outcome = await Generation.GenerateAsync(request, OnProgress, jobCancellation.Token);
            pictures = outcome.Pictures;
            selected = 0;
            elapsed = outcome.Elapsed;
        }
        catch (OperationCanceledException)
        {
            Snackbar.Add("Interrupted.", Severity.Info);
        }
        catch (Exception e)
        {
            // Whatever the engine throws (a broken model folder, an ONNX Runtime error) ends this job, not the circuit.
            Logger.LogError(e, "Generation failed");
            Snackbar.Add(e.Message, Severity.Error);
        }
        finally
        {
            running = false;
            interrupting = false;
            jobCancellation.Dispose();
            jobCancellation = null;
        }
    }

    void OnProgress(JobProgress update)
    {
        // Called on the worker thread: hand the value to the circuit's dispatcher and repaint at a bounded rate.
        _ = InvokeAsync(() =>
        {
            progress = update;
            var now = DateTime.UtcNow;
            if (now - lastRepaint < ProgressRepaintInterval && update.Step < update.Steps) return;
            lastRepaint = now;
            StateHasChanged();
        });
    }

    void Interrupt()
    {
        interrupting = true;
        jobCancellation?.Cancel();
    }

    void SwapSize() => (form.Width, form.Height) = (form.Height, form.Width);

    void RandomSeed() => form.Seed = -1;

    void ReuseSeed()
    {
        if (pictures.Count > 0) form.Seed = pictures[selected].Seed;
    }

    static string FormatElapsed(TimeSpan t) => t.TotalMinutes >= 1
        ? $"{(int)t.TotalMinutes} min. {t.Seconds} sec."
        : string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.0} sec.");

    public void Dispose()
    {
        // Closing the tab stops its job instead of leaving the worker busy for nobody.
        jobCancellation?.Cancel();
    }
}
