using WebUI.Components.State;
using WebUI.History;
using WebUI.Localization;

namespace WebUI.Components.History;

/// <summary>
/// Hands history pictures to the generation panels of this browser tab: subscribes to <see cref="IHistoryActions"/>
/// and applies each request to the tab's <see cref="WorkspaceState"/> (txt2img: the infotext fills the fields; img2img and
/// inpaint: the picture becomes the init image and its infotext fills the fields), which also switches the tab.
/// Scoped like both of them; the History tab creates it.
/// </summary>
public sealed class HistorySendBridge : IDisposable
{
    readonly IHistoryActions _actions;
    readonly WorkspaceState _workspace;
    readonly ScratchImageStore _scratch;

    public HistorySendBridge(IHistoryActions actions, WorkspaceState workspace, ScratchImageStore scratch)
    {
        _actions = actions;
        _workspace = workspace;
        _scratch = scratch;
        _actions.SendRequested += Apply;
    }

    /// <summary>Why the last request could not be applied (an unreadable infotext or picture), or null.</summary>
    public TextMessage? LastError { get; private set; }

    void Apply(SendToTabRequest request)
    {
        LastError = null;
        if (request.Target == SendTarget.Txt2Img)
        {
            if (!_workspace.ReuseParameters(GenerationMode.Txt2Img, request.Infotext))
                LastError = new TextMessage("These parameters cannot be read: {0}", request.Infotext.Split('\n')[^1]);
        }
        else if (request.Image is { } bytes)
        {
            var (image, error) = ImageUploads.Accept(bytes, $"history-{request.ImageId}", _scratch);
            if (image is null)
            {
                LastError = error;
                return;
            }
            var source = request.Target == SendTarget.Inpaint ? Img2ImgSource.Inpaint : Img2ImgSource.Img2Img;
            _workspace.SendToImg2Img(image, string.IsNullOrWhiteSpace(request.Infotext) ? null : request.Infotext, source);
        }
        _actions.Consume(request);
    }

    public void Dispose() => _actions.SendRequested -= Apply;
}
