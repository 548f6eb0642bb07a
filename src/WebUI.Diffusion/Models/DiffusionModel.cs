using WebUI.Diffusion.Sampling;
using WebUI.Diffusion.Text;

namespace WebUI.Diffusion.Models;

/// <summary>
/// A loaded checkpoint: its folder facts, the noise schedule from its scheduler config, the text encoders with their
/// tokenizers (one for SD 1.x/2.x, two for SDXL, the second alone for the SDXL refiner) behind a
/// <see cref="PromptConditioner"/>, and the ONNX sessions (text encoders, UNet, VAE decoder at load; VAE encoder on
/// first img2img use). In
/// <see cref="MemoryMode.Sequential"/> every part is inspected at load and then released; each stage reopens its part
/// and <see cref="Done"/> frees it again. A separate VAE (<see cref="SelectVae"/>) replaces the model's own.
/// </summary>
internal sealed class DiffusionModel : IDisposable
{
    readonly OnnxSessionFactory _sessions;
    VaeEncoderModel? _vaeEncoder;
    VaeDecoderModel? _customDecoder;
    VaeEncoderModel? _customEncoder;

    DiffusionModel(ModelInfo info, ModelFolder folder, OnnxSessionFactory sessions, PromptConditioner conditioner,
        UnetModel unet, VaeDecoderModel vaeDecoder, MemoryMode memory)
    {
        Info = info;
        Folder = folder;
        _sessions = sessions;
        Memory = memory;
        Schedule = folder.Scheduler.BuildSchedule();
        Conditioner = conditioner;
        Unet = unet;
        VaeDecoder = vaeDecoder;
    }

    public ModelInfo Info { get; private set; }
    public ModelFolder Folder { get; }
    public MemoryMode Memory { get; }
    public NoiseSchedule Schedule { get; }
    public PredictionType Prediction => Folder.Scheduler.PredictionType;
    public double VaeScale => Folder.VaeScalingFactor;
    public PromptConditioner Conditioner { get; }
    public UnetModel Unet { get; }
    public VaeDecoderModel VaeDecoder { get; }
    /// <summary>The separate VAE in use, or null for the model's own.</summary>
    public VaeFolder? Vae { get; private set; }

    /// <param name="tokenizers">Loads a tokenizer folder (tokenizer/ or tokenizer_2/).</param>
    public static DiffusionModel Load(ModelInfo info, ModelFolder folder, OnnxSessionFactory sessions, Func<string, ClipTokenizer> tokenizers,
        MemoryMode memory = MemoryMode.KeepLoaded)
    {
        ClipTextEncoder? first = null, second = null;
        UnetModel? unet = null;
        PromptConditioner? conditioner = null;
        try
        {
            if (folder.HasTextEncoder)
                first = new ClipTextEncoder(TextEncoderModel.Create(Handle(sessions, folder, ModelFolder.TextEncoder)),
                    tokenizers(folder.PartDirectory(ModelFolder.Tokenizer)), folder, sessions,
                    folder.HasTextEncoder2 ? TextualInversionEmbedding.ClipL : TextualInversionEmbedding.SingleKey);
            if (folder.HasTextEncoder2)
                second = new ClipTextEncoder(TextEncoderModel.Create(Handle(sessions, folder, ModelFolder.TextEncoder2), ModelFolder.TextEncoder2),
                    tokenizers(folder.PartDirectory(ModelFolder.Tokenizer2)), folder, sessions,
                    folder.HasTextEncoder ? TextualInversionEmbedding.ClipG : TextualInversionEmbedding.SingleKey);
            conditioner = new PromptConditioner(folder, first, second);
            if (memory == MemoryMode.Sequential) conditioner.Release();
            unet = UnetModel.Create(Handle(sessions, folder, ModelFolder.Unet), folder.UnetInChannels, conditioner.Width ?? folder.TextEmbeddingWidth);
            if (memory == MemoryMode.Sequential) unet.Release();
            if (conditioner.Width is { } tw && unet.HiddenWidth is { } uw && tw != uw)
                throw new ModelFolderException(ModelFolder.Unet, $"'encoder_hidden_states' is {uw} wide but the text encoder{(first is not null && second is not null ? "s produce" : " produces")} {tw}");
            if (conditioner.IsSdxl != unet.IsSdxl)
                throw new ModelFolderException(ModelFolder.Unet, unet.IsSdxl
                    ? "takes SDXL's text_embeds and time_ids, but the folder has no text_encoder_2 (OpenCLIP-G) to produce them"
                    : "has no text_embeds/time_ids inputs, but the folder has SDXL's text_encoder_2");
            if (unet.TimeIdsCount is { } ids && ids != (conditioner.IsRefiner ? 5 : 6))
                throw new ModelFolderException(ModelFolder.Unet, $"'time_ids' takes {ids} values, but a {(conditioner.IsRefiner ? "refiner (text_encoder_2 only) takes 5" : "base SDXL model takes 6")}");
            var vae = VaeDecoderModel.Create(Handle(sessions, folder, ModelFolder.VaeDecoder));
            if (memory == MemoryMode.Sequential) vae.Release();
            var model = new DiffusionModel(info, folder, sessions, conditioner, unet, vae, memory);
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

    static SessionHandle Handle(OnnxSessionFactory sessions, ModelFolder folder, string part) => new(() => sessions.Open(folder, part));

    void RefineFamily(int width)
    {
        Folder.RefineFamily(width);
        Info = Info with { Family = Folder.Family };
    }

    /// <summary>The model's own VAE encoder, opened on first use (only img2img and inpainting need it).</summary>
    public VaeEncoderModel VaeEncoder
    {
        get
        {
            if (_vaeEncoder is not null) return _vaeEncoder;
            if (!Folder.HasVaeEncoder)
                throw new ModelFolderException($"{ModelFolder.VaeEncoder}/model.onnx", "missing (img2img needs the VAE encoder)");
            return _vaeEncoder = VaeEncoderModel.Create(Handle(_sessions, Folder, ModelFolder.VaeEncoder));
        }
    }

    /// <summary>The decoder in use: the separate VAE's, else the model's.</summary>
    public VaeDecoderModel Decoder => _customDecoder ?? VaeDecoder;

    /// <summary>The encoder in use: the separate VAE's when it has one, else the model's.</summary>
    public VaeEncoderModel Encoder => _customEncoder ?? VaeEncoder;

    /// <summary>The tile size for tiled VAE work: the active VAE config's sample_size, else 1024 for SDXL and 512 otherwise.</summary>
    public int VaeTileSize => Vae?.SampleSize ?? Folder.VaeSampleSize ?? (Folder.Family.StartsWith("sdxl", StringComparison.Ordinal) ? 1024 : 512);

    /// <summary>Switches to a separate VAE (null = the model's own); sessions of the previous one are freed.</summary>
    public void SelectVae(VaeFolder? vae)
    {
        if (vae?.Path == Vae?.Path) return;
        _customDecoder?.Dispose();
        _customEncoder?.Dispose();
        _customDecoder = null;
        _customEncoder = null;
        Vae = null;
        if (vae is null) return;
        string label = $"VAE/{vae.Name}";
        _customDecoder = VaeDecoderModel.Create(new SessionHandle(() => _sessions.OpenFile(vae.PartFile(ModelFolder.VaeDecoder), $"{label}/{ModelFolder.VaeDecoder}/model.onnx")));
        if (Memory == MemoryMode.Sequential) _customDecoder.Release();
        if (vae.HasEncoder)
            _customEncoder = VaeEncoderModel.Create(new SessionHandle(() => _sessions.OpenFile(vae.PartFile(ModelFolder.VaeEncoder), $"{label}/{ModelFolder.VaeEncoder}/model.onnx")));
        _customEncoder?.Release();
        Vae = vae;
    }

    /// <summary>Parts whose sessions are open now (diagnostics and tests of the memory modes).</summary>
    public IReadOnlyList<string> OpenParts
    {
        get
        {
            var open = new List<string>();
            if (Conditioner.IsOpen) open.Add(ModelFolder.TextEncoder);
            if (Unet.IsOpen) open.Add(ModelFolder.Unet);
            if (VaeDecoder.IsOpen || _customDecoder?.IsOpen == true) open.Add(ModelFolder.VaeDecoder);
            if (_vaeEncoder?.IsOpen == true || _customEncoder?.IsOpen == true) open.Add(ModelFolder.VaeEncoder);
            return open;
        }
    }

    /// <summary>A stage finished with a part: in sequential mode its session is freed (reopened on next use).</summary>
    public void Done(ModelPart part)
    {
        if (Memory != MemoryMode.Sequential) return;
        switch (part)
        {
            case ModelPart.TextEncoder: Conditioner.Release(); break;
            case ModelPart.Unet: Unet.Release(); break;
            case ModelPart.VaeDecoder: VaeDecoder.Release(); _customDecoder?.Release(); break;
            case ModelPart.VaeEncoder: _vaeEncoder?.Release(); _customEncoder?.Release(); break;
        }
    }

    public void Dispose()
    {
        Conditioner.Dispose();
        Unet.Dispose();
        VaeDecoder.Dispose();
        _vaeEncoder?.Dispose();
        _customDecoder?.Dispose();
        _customEncoder?.Dispose();
    }
}

/// <summary>The parts a generation stage uses (and, in sequential mode, releases when done).</summary>
internal enum ModelPart { TextEncoder, Unet, VaeDecoder, VaeEncoder }
