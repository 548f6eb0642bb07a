using WebUI.Settings;

namespace WebUI.Components.State;

/// <summary>The main tabs, in the order they are shown.</summary>
public enum MainTab { Txt2Img, Img2Img, PngInfo, History, Extensions, Settings }

/// <summary>img2img's sub-tabs: where the init image (and the mask) come from.</summary>
public enum Img2ImgSource { Img2Img, Sketch, Inpaint, InpaintUpload }

/// <summary>
/// One browser tab's working state (a scoped service = one Blazor circuit): both panels' fields, the img2img pictures
/// and which tab is shown. Lives outside the components so "send to img2img", "reuse parameters" and the top bar's
/// checkpoint picker can reach a panel that is not on screen.
/// </summary>
public sealed class WorkspaceState
{
    public WorkspaceState(InstallationSettingsStore settings)
    {
        Txt2Img.ApplyDefaults(settings.Current);
        Img2Img.ApplyDefaults(settings.Current);
    }

    public GenerationForm Txt2Img { get; } = new(GenerationMode.Txt2Img);
    public GenerationForm Img2Img { get; } = new(GenerationMode.Img2Img);

    public GenerationForm FormFor(GenerationMode mode) => mode == GenerationMode.Txt2Img ? Txt2Img : Img2Img;

    /// <summary>The checkpoint chosen in the top bar; both panels generate with it.</summary>
    public string Model
    {
        get => Txt2Img.Model;
        set
        {
            Txt2Img.Model = value;
            Img2Img.Model = value;
        }
    }

    public MainTab ActiveTab { get; set; } = MainTab.Txt2Img;
    public Img2ImgSource Img2ImgTab { get; set; } = Img2ImgSource.Img2Img;

    // One picture per img2img sub-tab, as A1111 keeps one per image component; the upload tab also has its mask.
    public UploadedImage? Img2ImgImage { get; set; }
    public UploadedImage? SketchImage { get; set; }
    public UploadedImage? InpaintImage { get; set; }
    public UploadedImage? UploadImage { get; set; }
    public UploadedImage? UploadMask { get; set; }

    /// <summary>Something outside the listening component changed the state (a send-to button, the top bar).</summary>
    public event Action? Changed;

    public void NotifyChanged() => Changed?.Invoke();

    public UploadedImage? ImageFor(Img2ImgSource source) => source switch
    {
        Img2ImgSource.Img2Img => Img2ImgImage,
        Img2ImgSource.Sketch => SketchImage,
        Img2ImgSource.Inpaint => InpaintImage,
        _ => UploadImage,
    };

    public void SetImage(Img2ImgSource source, UploadedImage? image)
    {
        switch (source)
        {
            case Img2ImgSource.Img2Img: Img2ImgImage = image; break;
            case Img2ImgSource.Sketch: SketchImage = image; break;
            case Img2ImgSource.Inpaint: InpaintImage = image; break;
            default: UploadImage = image; break;
        }
    }

    /// <summary>
    /// A1111's "Send to img2img / inpaint": the picture goes to that sub-tab and its parameters (prompt, seed, size...)
    /// fill the img2img fields; the img2img tab is shown.
    /// </summary>
    public void SendToImg2Img(UploadedImage image, string? infotext, Img2ImgSource target)
    {
        SetImage(target, image);
        Img2ImgTab = target;
        if (!string.IsNullOrWhiteSpace(infotext)) TryLoadInfotext(Img2Img, infotext);
        ActiveTab = MainTab.Img2Img;
        NotifyChanged();
    }

    /// <summary>"Reuse parameters" / "Send to txt2img": fills a panel from an infotext and shows it.</summary>
    public bool ReuseParameters(GenerationMode target, string infotext)
    {
        bool ok = TryLoadInfotext(FormFor(target), infotext);
        ActiveTab = target == GenerationMode.Txt2Img ? MainTab.Txt2Img : MainTab.Img2Img;
        NotifyChanged();
        return ok;
    }

    static bool TryLoadInfotext(GenerationForm form, string infotext)
    {
        try
        {
            form.LoadInfotext(infotext);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
