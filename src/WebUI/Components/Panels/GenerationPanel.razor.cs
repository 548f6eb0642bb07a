using WebUI.Storage;
using WebUI.Settings;
using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;
using WebUI.Components.Img2Img;
using WebUI.Components.State;
using WebUI.Diffusion.Imaging;
using WebUI.Diffusion.Pipelines;
using WebUI.Generation;
using WebUI.Hosting;
using WebUI.Localization;
using WebUI.Queue;
using WebUI.Users;

namespace WebUI.Components.Panels;

/// <summary>
/// The logic behind a generation tab: validates and queues jobs (nothing is queued while a field is wrong), follows the
/// jobs it queued through the shared queue's events (pushed by the worker, never polled), draws their live previews and
/// shows their pictures. Interrupt and Skip act only on this panel's own job.
/// </summary>
public partial class GenerationPanel : IAsyncDisposable
{
    // Progress events come once per sampler step; repainting the progress text more often than this only costs bandwidth.
    static readonly TimeSpan ProgressRepaintInterval = TimeSpan.FromMilliseconds(100);

    // Preview frames on their way to the browser at once (each about 16 KB at 512×512).
    const int MaxPreviewsInFlight = 3;

    [Parameter, EditorRequired] public GenerationMode Mode { get; set; }

    [Inject] WorkspaceState Workspace { get; set; } = default!;
    [Inject] IJobQueue Queue { get; set; } = default!;
    [Inject] CurrentUser User { get; set; } = default!;
    [Inject] ISnackbar Snackbar { get; set; } = default!;
    [Inject] IJSRuntime JS { get; set; } = default!;
    [Inject] ScratchImageStore Scratch { get; set; } = default!;
    [Inject] WebUIPaths Paths { get; set; } = default!;
    [Inject] ILogger<GenerationPanel> Log { get; set; } = default!;
    [Inject] IServiceProvider Services { get; set; } = default!;

    ElementReference root;
    DotNetObjectReference<GenerationPanel>? self;
    Img2ImgInput? img2img;
    PanelJobs? jobs;
    JobView? currentJob;
    bool interrupting, showPreview, previewPending;
    int previewsInFlight;
    long lastPreviewSequence = -1;
    RepaintThrottle? repaints;
    Dictionary<string, string> errors = [];
    IReadOnlyList<ResultPicture> pictures = [];
    int selected;
    string? timing;

    string Prefix => Mode == GenerationMode.Txt2Img ? "txt2img" : "img2img";
    GenerationForm Form => Workspace.FormFor(Mode);
    ResultPicture? SelectedPicture => pictures.Count == 0 ? null : pictures[Math.Clamp(selected, 0, pictures.Count - 1)];
    string PreviewCanvasId => $"{Prefix}-preview";

    protected override void OnInitialized()
    {
        repaints = new RepaintThrottle(ProgressRepaintInterval, work => InvokeAsync(work), () =>
        {
            currentJob = jobs?.Current;
            StateHasChanged();
        });
        jobs = new PanelJobs(Queue, () => User.UserId, OnJobEvent, OnJobFinishedAsync);
        // A reload (or a second look after a lost connection) picks up this user's unfinished jobs of this kind.
        jobs.Adopt(Queue.Snapshot().Where(j => j.Owner.UserId == User.UserId && j.Owner.Source == JobSource.Ui
                                               && j.Request.IsImg2Img == (Mode == GenerationMode.Img2Img)));
        currentJob = jobs.Current;
        Workspace.Changed += OnWorkspaceChanged;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender) return;
        self = DotNetObjectReference.Create(this);
        await JS.InvokeVoidAsync("webui.registerPanel", root, self);
    }

    void OnWorkspaceChanged() => InvokeAsync(StateHasChanged);

    void OnFieldChanged()
    {
        if (errors.Count > 0) errors = [];
    }

    // ---- queueing ---------------------------------------------------------------------------------------------------

    /// <param name="force">Ctrl+Enter / the add-to-queue button: queue even while this panel's job runs.</param>
    async Task GenerateAsync(bool force = false)
    {
        if (jobs is null || (jobs.Busy && !force)) return;

        byte[]? initImage = null, mask = null;
        if (Mode == GenerationMode.Img2Img && img2img is not null)
        {
            var (image, drawnMask, problem) = await img2img.GetInputsAsync();
            if (problem is not null)
            {
                Snackbar.Add(problem.In(L), Severity.Error);
                return;
            }
            (initImage, mask) = (image, drawnMask);
        }

        // The Settings tab's RNG source, sampler parameters, clip skip, emphasis and pad conds (the options store the API
        // shares) apply to UI jobs too.
        var options = Services.GetService<IOptionsStore>();
        GenerationRequest request;
        try
        {
            request = StableDiffusionParameters.From(options).ApplyTo(SamplerParameters.From(options).ApplyTo(Form.ToRequest(initImage, mask)));
        }
        catch (ArgumentException e)
        {
            Snackbar.Add(e.Message, Severity.Error);
            return;
        }
        errors = FormErrors.Validate(request).ToDictionary(e => e.Key, e => e.Value.In(L));
        if (errors.Count > 0)
        {
            Snackbar.Add(string.Join(" ", errors.Values), Severity.Error);
            return;
        }

        try
        {
            jobs.Submit(request, User.Owner(JobSource.Ui));
            currentJob = jobs.Current;
        }
        catch (ArgumentException e)
        {
            // The queue validates again (the engine's rules); its reason is shown and nothing was queued.
            errors = new Dictionary<string, string> { [FormValidator.RequestKey] = e.Message };
            Snackbar.Add(e.Message, Severity.Error);
        }
    }

    void Interrupt()
    {
        if (jobs is null || !jobs.Busy) return;
        interrupting = true;
        if (!jobs.Interrupt()) interrupting = false;
    }

    void Skip()
    {
        if (jobs?.Skip() == false) Snackbar.Add(L["Nothing to skip: the job has not started yet."], Severity.Info);
    }

    [JSInvokable]
    public Task OnShortcut(string action) => InvokeAsync(async () =>
    {
        switch (action)
        {
            case "generate": await GenerateAsync(force: true); break;
            case "interrupt": Interrupt(); break;
        }
        StateHasChanged();
    });

    // ---- job events (worker thread) ---------------------------------------------------------------------------------

    void OnJobEvent(QueueEvent e) => _ = InvokeAsync(async () =>
    {
        if (e.Kind == "preview")
        {
            await DrawPreviewAsync();
            return;
        }
        if (e.Kind == "progress") repaints!.Request();
        else repaints!.Now();
    });

    /// <summary>
    /// Sends the newest frame of this panel's job to the canvas. Up to <see cref="MaxPreviewsInFlight"/> frames travel at
    /// once (the browser draws them in order), so previews keep up with fast steps; beyond that frames are collapsed into
    /// the latest, so a slow connection shows fewer frames instead of a growing backlog.
    /// </summary>
    async Task DrawPreviewAsync()
    {
        if (previewsInFlight >= MaxPreviewsInFlight)
        {
            previewPending = true;
            return;
        }
        var frame = Queue.CurrentPreview;
        if (frame is null || jobs?.Owns(frame.JobId) != true || frame.Sequence <= lastPreviewSequence) return;
        long sequence = frame.Sequence;
        byte[] bytes = frame.Bytes.ToArray();
        string matrix = frame.MatrixJson;
        // The frame's buffer is recycled a few frames later: a changed sequence means the copy may be torn. The newer
        // frame's own event follows.
        if (frame.Sequence != sequence) return;
        lastPreviewSequence = sequence;
        if (!showPreview)
        {
            showPreview = true;
            StateHasChanged();
        }
        previewsInFlight++;
        try
        {
            await JS.InvokeVoidAsync("webuiPreview.draw", PreviewCanvasId, bytes, matrix);
        }
        catch (JSDisconnectedException)
        {
            // The browser went away; the job goes on and a reload shows it again.
        }
        finally
        {
            previewsInFlight--;
        }
        if (previewPending)
        {
            previewPending = false;
            await DrawPreviewAsync();
        }
    }

    Task OnJobFinishedAsync(Guid id, Task<JobOutcome> wait) => InvokeAsync(async () =>
    {
        try
        {
            var outcome = await wait;
            ShowOutcome(outcome);
            if (outcome.Interrupted)
                Snackbar.Add(L["Interrupted: kept the {0} finished picture(s).", outcome.Result.Images.Count], Severity.Info);
        }
        catch (OperationCanceledException)
        {
            Snackbar.Add(L["Interrupted."], Severity.Info);
        }
        catch (Exception e)
        {
            // Whatever the engine threw (a broken model folder, an ONNX Runtime error) ends that job, not the page.
            Log.LogWarning("Job {Id} failed: {Message}", id, e.Message);
            Snackbar.Add(L["Generation failed: {0}", e.Message], Severity.Error);
        }
        finally
        {
            showPreview = false;
            lastPreviewSequence = -1;
            currentJob = jobs?.Current;
            if (currentJob is null) interrupting = false;
            StateHasChanged();
        }
    });

    void ShowOutcome(JobOutcome outcome)
    {
        var images = outcome.Result.Images;
        var shown = new List<ResultPicture>(images.Count);
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i];
            string? path = i < outcome.SavedPaths.Count ? outcome.SavedPaths[i] : null;
            string url = (path is null ? null : OutputUrls.For(Paths, path)) ?? Scratch.Add(image.Png, "image/png");
            shown.Add(new ResultPicture(url, image.Seed, image.Subseed, image.Width, image.Height, image.Infotext, path, image.Png));
        }
        if (shown.Count == 0) return;
        pictures = shown;
        selected = 0;
        timing = L["Time taken: {0}", FormatSeconds(outcome.Result.Timings.TotalSeconds)];
    }

    string FormatSeconds(double seconds) => seconds >= 60
        ? L["{0} min. {1} sec.", (int)(seconds / 60), (int)seconds % 60]
        : L["{0} sec.", seconds.ToString("0.0", CultureInfo.InvariantCulture)];

    // ---- parameters in, pictures out --------------------------------------------------------------------------------

    /// <summary>A1111's ↙ button: the prompt box's infotext, or the last job's (params.txt) when the prompt is empty.</summary>
    async Task ReadParametersAsync()
    {
        string text = Form.Prompt;
        if (string.IsNullOrWhiteSpace(text))
        {
            try
            {
                text = File.Exists(Paths.ParamsFile) ? await File.ReadAllTextAsync(Paths.ParamsFile) : "";
            }
            catch (IOException)
            {
                text = "";
            }
            if (string.IsNullOrWhiteSpace(text))
            {
                Snackbar.Add(L["There are no parameters from a previous generation yet."], Severity.Info);
                return;
            }
        }
        ApplyInfotext(text);
    }

    [JSInvokable]
    public Task OnInfotextPasted(string text) => InvokeAsync(() =>
    {
        ApplyInfotext(text);
        StateHasChanged();
    });

    /// <summary>A picture dropped or pasted onto a prompt box: read its parameters into the fields.</summary>
    [JSInvokable]
    public async Task OnPictureDropped(IJSStreamReference data, string fileName)
    {
        byte[] bytes;
        try
        {
            await using var stream = await data.OpenReadStreamAsync(ImageUploads.MaxBytes);
            using var memory = new MemoryStream();
            await stream.CopyToAsync(memory);
            bytes = memory.ToArray();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            await InvokeAsync(() => Snackbar.Add(L["\"{0}\" cannot be read: {1}", fileName, e.Message], Severity.Error));
            return;
        }
        await InvokeAsync(() =>
        {
            string? infotext;
            try
            {
                infotext = PngText.ReadParameters(bytes);
            }
            catch (ImageInputException)
            {
                infotext = null;
            }
            if (string.IsNullOrWhiteSpace(infotext))
                Snackbar.Add(L["\"{0}\" carries no generation parameters.", fileName], Severity.Warning);
            else
                ApplyInfotext(infotext);
            StateHasChanged();
        });
    }

    void ApplyInfotext(string text)
    {
        try
        {
            Form.LoadInfotext(text);
            errors = [];
            Snackbar.Add(L["Parameters read into the fields."], Severity.Success);
        }
        catch (FormatException e)
        {
            Snackbar.Add(L["These parameters cannot be read: {0}", e.Message], Severity.Error);
        }
    }

    void ClearPrompts()
    {
        Form.Prompt = "";
        Form.NegativePrompt = "";
    }

    void Reuse(ResultPicture picture) => ApplyInfotext(picture.Infotext);

    void Send(ResultPicture picture, Img2ImgSource target)
    {
        var image = new UploadedImage(picture.Png, picture.Url, picture.Width, picture.Height, picture.FileName);
        Workspace.SendToImg2Img(image, picture.Infotext, target);
    }

    public async ValueTask DisposeAsync()
    {
        Workspace.Changed -= OnWorkspaceChanged;
        jobs?.Dispose();
        if (self is not null)
        {
            try
            {
                await JS.InvokeVoidAsync("webui.unregisterPanel", root);
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone with the page; nothing to unregister.
            }
            self.Dispose();
        }
    }
}
