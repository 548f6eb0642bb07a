using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static WebUI.Diffusion.Models.SessionMetadata;

namespace WebUI.Diffusion.Models;

/// <summary>
/// A TAESD decoder (<c>models/VAE-approx/taesd_decoder.onnx</c>, <c>taesdxl_decoder.onnx</c> for SDXL; diffusion-reference
/// §6d): the scaled UNet-space latent [1,4,h,w] goes in as is (no division by the VAE scale), RGB [1,3,8h,8w] comes out
/// in [0, 1] (taesd.py exports) or [−1, 1] (AutoencoderTiny.decode exports). The range comes from a sidecar JSON next to
/// the file (<c>taesd_decoder.json</c>: <c>{"output_range": "0,1"}</c> or <c>"-1,1"</c>), else the model's
/// <c>taesd.range</c> metadata, else the engine setting.
/// </summary>
internal sealed class TaesdDecoder : IDisposable
{
    public const string SdFile = "taesd_decoder.onnx", SdxlFile = "taesdxl_decoder.onnx";
    const string Part = "TAESD decoder";
    readonly InferenceSession _session;
    readonly string[] _inputNames, _outputNames;
    readonly TensorElementType _inputType;

    TaesdDecoder(InferenceSession session, string input, TensorElementType type, string output, bool zeroToOne, string path)
    {
        _session = session;
        _inputNames = [input];
        _outputNames = [output];
        _inputType = type;
        OutputsZeroToOne = zeroToOne;
        Path = path;
    }

    public string Path { get; }
    /// <summary>True when the decoder outputs [0, 1] (mapped to [−1, 1] here), false for [−1, 1].</summary>
    public bool OutputsZeroToOne { get; }

    /// <summary>The file a model family previews with: taesdxl for SDXL, taesd otherwise.</summary>
    public static string FileFor(string family) => family.StartsWith("sdxl", StringComparison.Ordinal) ? SdxlFile : SdFile;

    public static TaesdDecoder Open(OnnxSessionFactory sessions, string path, string defaultRange)
    {
        string label = $"VAE-approx/{System.IO.Path.GetFileName(path)}";
        var s = sessions.OpenFile(path, label);
        try
        {
            var (inName, input) = InputOrOnly(s, Part, "latent_sample");
            var type = RequireFloat(input, Part, inName);
            RequireRank(input, Part, inName, 4);
            var (outName, output) = OutputOrOnly(s, Part, "sample");
            RequireFloat(output, Part, outName);
            string range = SidecarRange(path) ?? MetadataRange(s) ?? defaultRange;
            return new TaesdDecoder(s, inName, type, outName, ParseRange(range, label), path);
        }
        catch { s.Dispose(); throw; }
    }

    static string? SidecarRange(string path)
    {
        string json = System.IO.Path.ChangeExtension(path, ".json");
        if (!File.Exists(json)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(json));
            if (!doc.RootElement.TryGetProperty("output_range", out var r)) return null;
            return r.ValueKind switch
            {
                JsonValueKind.String => r.GetString(),
                JsonValueKind.Array => string.Join(",", r.EnumerateArray().Select(e => e.GetRawText())),
                _ => null,
            };
        }
        catch (JsonException e) { throw new ModelFolderException($"VAE-approx/{System.IO.Path.GetFileName(json)}", $"not valid JSON ({e.Message})", e); }
    }

    static string? MetadataRange(InferenceSession s)
    {
        try { return s.ModelMetadata.CustomMetadataMap.TryGetValue("taesd.range", out var v) ? v : null; }
        catch (OnnxRuntimeException) { return null; }
    }

    /// <summary>"0,1" → true, "-1,1" → false (spaces and brackets ignored).</summary>
    public static bool ParseRange(string range, string label)
    {
        string r = new string((range ?? "").Where(c => !char.IsWhiteSpace(c) && c is not ('[' or ']' or '(' or ')')).ToArray());
        return r switch
        {
            "0,1" or "0.0,1.0" => true,
            "-1,1" or "-1.0,1.0" => false,
            _ => throw new ModelFolderException(label, $"output range '{range}' is not \"0,1\" or \"-1,1\""),
        };
    }

    /// <summary>Decodes one scaled latent [C,h,w] into RGB [3,8h,8w] in [−1, 1].</summary>
    public float[] Decode(ReadOnlySpan<float> latent, int channels, int height, int width, RunOptions runOptions)
    {
        using var input = new TensorBuffer(_inputType, [1, channels, height, width]);
        input.Write(latent);
        using var outputs = _session.Run(runOptions, _inputNames, [input.Value], _outputNames);
        var shape = outputs[0].GetTensorTypeAndShape().Shape;
        if (shape.Length != 4 || shape[0] != 1 || shape[1] != 3 || shape[2] != height * 8 || shape[3] != width * 8)
            throw new ModelFolderException(Part, $"output came back as [{string.Join(",", shape)}]; expected [1,3,{height * 8},{width * 8}]");
        var rgb = new float[3 * height * 8 * width * 8];
        TensorBuffer.ReadFrom(outputs[0], rgb);
        if (OutputsZeroToOne)
            for (int i = 0; i < rgb.Length; i++) rgb[i] = rgb[i] * 2f - 1f; // A1111: decoder(latent)·2 − 1
        return rgb;
    }

    public void Dispose() => _session.Dispose();
}
