using WebUI.Diffusion.Imaging;
using WebUI.Diffusion.Pipelines;

namespace WebUI.History;

/// <summary>The tabs a history picture can be sent to (A1111's "Send to txt2img / img2img / inpaint").</summary>
public enum SendTarget { Txt2Img, Img2Img, Inpaint }

/// <summary>
/// A picture sent to a generation tab. <see cref="Parameters"/> is its infotext applied to A1111's defaults
/// (prompts, steps, sampler, schedule, CFG, seed, size, ...); <see cref="Image"/> is the picture file for img2img and
/// inpaint (null for txt2img, which takes parameters only).
/// </summary>
public sealed record SendToTabRequest(SendTarget Target, int ImageId, string Infotext, GenerationRequest Parameters, byte[]? Image);

/// <summary>
/// The bridge between the History tab and the generation panels of one browser tab (a scoped service, so one user's
/// "send" never changes another user's form). The txt2img/img2img panels subscribe to <see cref="SendRequested"/> and
/// fill their form; the tab strip subscribes too and switches to <see cref="SendToTabRequest.Target"/>.
/// </summary>
public interface IHistoryActions
{
    event Action<SendToTabRequest>? SendRequested;

    /// <summary>The last request, for a panel that is created after the send (it applies it on first render).</summary>
    SendToTabRequest? Pending { get; }

    /// <summary>Marks <see cref="Pending"/> as applied.</summary>
    void Consume(SendToTabRequest request);

    /// <summary>Builds the request for a history picture and raises <see cref="SendRequested"/>.</summary>
    SendToTabRequest Send(SendTarget target, HistoryRecord record);
}

public sealed class SendToTab : IHistoryActions
{
    public event Action<SendToTabRequest>? SendRequested;

    public SendToTabRequest? Pending { get; private set; }

    public void Consume(SendToTabRequest request)
    {
        if (ReferenceEquals(Pending, request)) Pending = null;
    }

    public SendToTabRequest Send(SendTarget target, HistoryRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        byte[]? image = target == SendTarget.Txt2Img ? null : File.ReadAllBytes(record.Path);
        var request = new SendToTabRequest(target, record.Id, record.Infotext, ParametersOf(record), image);
        Pending = request;
        SendRequested?.Invoke(request);
        return request;
    }

    /// <summary>
    /// The infotext pasted onto A1111's defaults. A value the parser cannot read as a number (a hand-edited file) is not
    /// worth failing the send for: the prompts still go across.
    /// </summary>
    public static GenerationRequest ParametersOf(HistoryRecord record)
    {
        var defaults = new GenerationRequest();
        if (string.IsNullOrWhiteSpace(record.Infotext)) return defaults with { Width = record.Width, Height = record.Height };
        var parsed = Infotext.Parse(record.Infotext);
        try
        {
            return parsed.ApplyTo(defaults);
        }
        catch (FormatException)
        {
            return defaults with { Prompt = parsed.Prompt, NegativePrompt = parsed.NegativePrompt };
        }
    }
}
