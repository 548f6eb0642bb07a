using WebUI.Diffusion.Sampling;
using WebUI.Diffusion.Text;

namespace WebUI.Diffusion.Models;

/// <summary>
/// A loaded checkpoint: its folder facts, the noise schedule from its scheduler config, the text encoders with their
/// tokenizers (one for SD 1.x/2.x, two for SDXL, the second alone for the SDXL refiner) behind a
/// <see cref="PromptConditioner"/>, and the ONNX sessions (UNet, VAE decoder at load; VAE encoder on first img2img use).
/// </summary>
internal sealed class DiffusionModel : IDisposable
{
    readonly OnnxSessionFactory _sessions;
    VaeEncoderModel? _vaeEncoder;

    DiffusionModel(ModelInfo info, ModelFolder folder, OnnxSessionFactory sessions, PromptConditioner conditioner,
        UnetModel unet, VaeDecoderModel vaeDecoder)
    {
        Info = info;
        Folder = folder;
        _sessions = sessions;
        Schedule = folder.Scheduler.BuildSchedule();
        Conditioner = conditioner;
        Unet = unet;
        VaeDecoder = vaeDecoder;
    }

    public ModelInfo Info { get; private set; }
    public ModelFolder Folder { get; }
    public NoiseSchedule Schedule { get; }
    public PredictionType Prediction => Folder.Scheduler.PredictionType;
    public double VaeScale => Folder.VaeScalingFactor;
    public PromptConditioner Conditioner { get; }
    public UnetModel Unet { get; }
    public VaeDecoderModel VaeDecoder { get; }

    /// <param name="tokenizers">Loads a tokenizer folder (tokenizer/ or tokenizer_2/).</param>
    public static DiffusionModel Load(ModelInfo info, ModelFolder folder, OnnxSessionFactory sessions, Func<string, ClipTokenizer> tokenizers)
    {
        ClipTextEncoder? first = null, second = null;
        UnetModel? unet = null;
        PromptConditioner? conditioner = null;
        try
        {
            if (folder.HasTextEncoder)
                first = new ClipTextEncoder(TextEncoderModel.Create(sessions.Open(folder, ModelFolder.TextEncoder)),
                    tokenizers(folder.PartDirectory(ModelFolder.Tokenizer)), folder, sessions,
                    folder.HasTextEncoder2 ? TextualInversionEmbedding.ClipL : TextualInversionEmbedding.SingleKey);
            if (folder.HasTextEncoder2)
                second = new ClipTextEncoder(TextEncoderModel.Create(sessions.Open(folder, ModelFolder.TextEncoder2), ModelFolder.TextEncoder2),
                    tokenizers(folder.PartDirectory(ModelFolder.Tokenizer2)), folder, sessions,
                    folder.HasTextEncoder ? TextualInversionEmbedding.ClipG : TextualInversionEmbedding.SingleKey);
            conditioner = new PromptConditioner(folder, first, second);
            unet = UnetModel.Create(sessions.Open(folder, ModelFolder.Unet), folder.UnetInChannels);
            if (conditioner.Width is { } tw && unet.HiddenWidth is { } uw && tw != uw)
                throw new ModelFolderException(ModelFolder.Unet, $"'encoder_hidden_states' is {uw} wide but the text encoder{(second is null || first is null ? "" : "s")} produce{(second is null || first is null ? "s" : "")} {tw}");
            if (conditioner.IsSdxl != unet.IsSdxl)
                throw new ModelFolderException(ModelFolder.Unet, unet.IsSdxl
                    ? "takes SDXL's text_embeds and time_ids, but the folder has no text_encoder_2 (OpenCLIP-G) to produce them"
                    : "has no text_embeds/time_ids inputs, but the folder has SDXL's text_encoder_2");
            if (unet.TimeIdsCount is { } ids && ids != (conditioner.IsRefiner ? 5 : 6))
                throw new ModelFolderException(ModelFolder.Unet, $"'time_ids' takes {ids} values, but a {(conditioner.IsRefiner ? "refiner (text_encoder_2 only) takes 5" : "base SDXL model takes 6")}");
            var vae = VaeDecoderModel.Create(sessions.Open(folder, ModelFolder.VaeDecoder));
            var model = new DiffusionModel(info, folder, sessions, conditioner, unet, vae);
            if ((conditioner.Width ?? unet.HiddenWidth) is { } width) model.RefineFamily(width);
            return model;
        }
        catch
        {
            if (conditioner is not null) conditioner.Dispose();
            else { first?.Dispose(); second?.Dispose(); }
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
        Conditioner.Dispose();
        Unet.Dispose();
        VaeDecoder.Dispose();
        _vaeEncoder?.Dispose();
    }
}
