using WebUI.Diffusion.Sampling;

namespace WebUI.Diffusion.Models;

/// <summary>
/// A loaded checkpoint: its folder facts, the noise schedule from its scheduler config, the tokenizer, and the
/// ONNX sessions (text encoder, UNet, VAE decoder at load; VAE encoder on first img2img use).
/// </summary>
internal sealed class DiffusionModel : IDisposable
{
    readonly OnnxSessionFactory _sessions;
    VaeEncoderModel? _vaeEncoder;

    DiffusionModel(ModelInfo info, ModelFolder folder, OnnxSessionFactory sessions, ITextTokenizer tokenizer,
        TextEncoderModel textEncoder, UnetModel unet, VaeDecoderModel vaeDecoder)
    {
        Info = info;
        Folder = folder;
        _sessions = sessions;
        Schedule = folder.Scheduler.BuildSchedule();
        TextEncoder = textEncoder;
        Unet = unet;
        VaeDecoder = vaeDecoder;
        Prompts = new PromptEncoder(textEncoder, tokenizer);
    }

    public ModelInfo Info { get; private set; }
    public ModelFolder Folder { get; }
    public NoiseSchedule Schedule { get; }
    public PredictionType Prediction => Folder.Scheduler.PredictionType;
    public double VaeScale => Folder.VaeScalingFactor;
    public TextEncoderModel TextEncoder { get; }
    public UnetModel Unet { get; }
    public VaeDecoderModel VaeDecoder { get; }
    public PromptEncoder Prompts { get; }

    public static DiffusionModel Load(ModelInfo info, ModelFolder folder, OnnxSessionFactory sessions, ITextTokenizer tokenizer)
    {
        TextEncoderModel? te = null;
        UnetModel? unet = null;
        try
        {
            te = TextEncoderModel.Create(sessions.Open(folder, ModelFolder.TextEncoder));
            unet = UnetModel.Create(sessions.Open(folder, ModelFolder.Unet), folder.UnetInChannels);
            if (te.Width is { } tw && unet.HiddenWidth is { } uw && tw != uw)
                throw new ModelFolderException(ModelFolder.Unet, $"'encoder_hidden_states' is {uw} wide but the text encoder produces {tw}");
            var vae = VaeDecoderModel.Create(sessions.Open(folder, ModelFolder.VaeDecoder));
            var model = new DiffusionModel(info, folder, sessions, tokenizer, te, unet, vae);
            if ((te.Width ?? unet.HiddenWidth) is { } width) model.RefineFamily(width);
            return model;
        }
        catch
        {
            te?.Dispose();
            unet?.Dispose();
            throw;
        }
    }

    void RefineFamily(int width)
    {
        Folder.RefineFamily(width);
        Info = Info with { Family = Folder.Family };
    }

    /// <summary>The VAE encoder, opened on first use (only img2img needs it).</summary>
    public VaeEncoderModel VaeEncoder
    {
        get
        {
            if (_vaeEncoder is not null) return _vaeEncoder;
            if (!Folder.HasVaeEncoder)
                throw new ModelFolderException($"{ModelFolder.VaeEncoder}/model.onnx", "missing (img2img needs the VAE encoder)");
            return _vaeEncoder = VaeEncoderModel.Create(_sessions.Open(Folder, ModelFolder.VaeEncoder));
        }
    }

    public void Dispose()
    {
        TextEncoder.Dispose();
        Unet.Dispose();
        VaeDecoder.Dispose();
        _vaeEncoder?.Dispose();
    }
}
