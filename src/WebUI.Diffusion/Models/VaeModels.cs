using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static WebUI.Diffusion.Models.SessionMetadata;

namespace WebUI.Diffusion.Models;

/// <summary>
/// A VAE half: one image-shaped input and one output on a reopenable session. Holds what the decoder and encoder share:
/// the resolved I/O names, the declared input dtype, and release/reopen for the sequential memory mode.
/// </summary>
internal abstract class VaePart : IDisposable
{
    readonly SessionHandle _handle;

    protected VaePart(SessionHandle handle, string input, TensorElementType inputType, string output)
    {
        _handle = handle;
        InputType = inputType;
        InputNames = [input];
        OutputNames = [output];
    }

    protected string[] InputNames { get; }
    protected string[] OutputNames { get; }

    public InferenceSession Session => _handle.Session;
    public TensorElementType InputType { get; }

    /// <summary>Frees the session (sequential memory mode); the next call reopens it.</summary>
    public void Release() => _handle.Release();

    public bool IsOpen => _handle.IsOpen;

    public void Dispose() => _handle.Dispose();
}

/// <summary>
/// vae_decoder: latent_sample [1,4,h,w] (unscaled, i.e. latent / scaling_factor) → sample [1,3,8h,8w] in ≈[−1,1].
/// Called one image at a time, as the diffusers ONNX pipeline does (fp16 decoders misbehave at batch > 1).
/// </summary>
internal sealed class VaeDecoderModel : VaePart
{
    const string Part = "vae_decoder";

    VaeDecoderModel(SessionHandle handle, string input, TensorElementType inputType, string output)
        : base(handle, input, inputType, output) { }

    public static VaeDecoderModel Create(InferenceSession s) => Create(SessionHandle.Of(s));

    public static VaeDecoderModel Create(SessionHandle handle)
    {
        try
        {
            var s = handle.Session;
            var (inName, input) = InputOrOnly(s, Part, "latent_sample");
            var type = RequireFloat(input, Part, inName);
            RequireRank(input, Part, inName, 4);
            var (outName, output) = OutputOrOnly(s, Part, "sample");
            RequireFloat(output, Part, outName);
            return new VaeDecoderModel(handle, inName, type, outName);
        }
        catch { handle.Dispose(); throw; }
    }

    /// <summary>Decodes one latent [C,h,w] (already divided by the scaling factor) into RGB [3,8h,8w].</summary>
    public float[] Decode(ReadOnlySpan<float> latent, int channels, int height, int width, RunOptions runOptions)
    {
        using var input = new TensorBuffer(InputType, [1, channels, height, width]);
        input.Write(latent);
        using var outputs = Session.Run(runOptions, InputNames, [input.Value], OutputNames);
        var shape = outputs[0].GetTensorTypeAndShape().Shape;
        if (shape.Length != 4 || shape[0] != 1 || shape[1] != 3 || shape[2] != height * 8 || shape[3] != width * 8)
            throw new ModelFolderException(Part, $"output came back as [{string.Join(",", shape)}]; expected [1,3,{height * 8},{width * 8}]");
        var rgb = new float[3 * height * 8 * width * 8];
        TensorBuffer.ReadFrom(outputs[0], rgb);
        return rgb;
    }

}

/// <summary>
/// vae_encoder: sample [1,3,H,W] in [−1,1] → latent_parameters [1,8,h,w] (mean ‖ logvar, Optimum ≥ 1.23: the mean is
/// used, deterministic) or latent_sample [1,4,h,w] (older exports: a random draw made inside the graph).
/// The result is unscaled; the caller multiplies by the scaling factor.
/// </summary>
internal sealed class VaeEncoderModel : VaePart
{
    const string Part = "vae_encoder";

    VaeEncoderModel(SessionHandle handle, string input, TensorElementType inputType, string output)
        : base(handle, input, inputType, output) { }

    public bool OutputsParameters => OutputNames[0] == "latent_parameters";

    public static VaeEncoderModel Create(InferenceSession s) => Create(SessionHandle.Of(s));

    public static VaeEncoderModel Create(SessionHandle handle)
    {
        try
        {
            var s = handle.Session;
            var (inName, input) = InputOrOnly(s, Part, "sample");
            var type = RequireFloat(input, Part, inName);
            RequireRank(input, Part, inName, 4);
            string outName;
            if (s.OutputMetadata.ContainsKey("latent_parameters")) outName = "latent_parameters";
            else if (s.OutputMetadata.ContainsKey("latent_sample")) outName = "latent_sample";
            else if (s.OutputMetadata.Count == 1) outName = s.OutputMetadata.Keys.First();
            else throw new ModelFolderException(Part, $"no output named 'latent_parameters' or 'latent_sample' (outputs: {string.Join(", ", s.OutputMetadata.Keys)})");
            RequireFloat(s.OutputMetadata[outName], Part, outName);
            return new VaeEncoderModel(handle, inName, type, outName);
        }
        catch { handle.Dispose(); throw; }
    }

    /// <summary>Encodes RGB [3,H,W] in [−1,1]; returns the unscaled latent [<paramref name="latentChannels"/>, H/8, W/8].</summary>
    public float[] Encode(ReadOnlySpan<float> rgb, int height, int width, int latentChannels, RunOptions runOptions)
    {
        using var input = new TensorBuffer(InputType, [1, 3, height, width]);
        input.Write(rgb);
        using var outputs = Session.Run(runOptions, InputNames, [input.Value], OutputNames);
        var shape = outputs[0].GetTensorTypeAndShape().Shape;
        int h = height / 8, w = width / 8;
        int expectedChannels = OutputsParameters ? 2 * latentChannels : latentChannels;
        if (shape.Length != 4 || shape[0] != 1 || shape[2] != h || shape[3] != w || (shape[1] != expectedChannels && shape[1] != 2 * latentChannels))
            throw new ModelFolderException(Part, $"'{OutputNames[0]}' came back as [{string.Join(",", shape)}]; expected [1,{expectedChannels},{h},{w}]");
        // latent_parameters = mean ‖ logvar along channels: the mean is the first block, contiguous in NCHW.
        var latent = new float[latentChannels * h * w];
        TensorBuffer.ReadFrom(outputs[0], latent);
        return latent;
    }

}
