using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static WebUI.Diffusion.Models.SessionMetadata;

namespace WebUI.Diffusion.Models;

/// <summary>
/// The CLIP text encoder session: input_ids (int32 in diffusers exports, int64 in Optimum's) → last_hidden_state,
/// plus the hidden_states.N outputs when the export has them (needed for clip skip).
/// </summary>
internal sealed class TextEncoderModel : IDisposable
{
    const string Part = "text_encoder";
    public const string IdsName = "input_ids", MaskName = "attention_mask", LastHiddenName = "last_hidden_state";
    public const int ChunkLength = 77;

    readonly string[] _inputNames;
    readonly string[] _outputNames = [LastHiddenName];

    readonly SessionHandle _handle;

    TextEncoderModel(SessionHandle handle, TensorElementType idType, bool hasMask, IReadOnlyList<string> hiddenStates)
    {
        _handle = handle;
        IdType = idType;
        HiddenStateOutputs = hiddenStates;
        _inputNames = hasMask ? [IdsName, MaskName] : [IdsName];
    }

    public InferenceSession Session => _handle.Session;
    public TensorElementType IdType { get; }
    /// <summary>"hidden_states.0" (embeddings) … "hidden_states.L" in layer order; empty when not exported.</summary>
    public IReadOnlyList<string> HiddenStateOutputs { get; }
    /// <summary>Embedding width (768 for SD 1.x, 1024 for SD 2.x): from metadata, or from the first encoding.</summary>
    public int? Width { get; private set; }

    public static TextEncoderModel Create(InferenceSession s) => Create(SessionHandle.Of(s));

    /// <summary>Inspects the session of <paramref name="handle"/> (which the model then owns).</summary>
    public static TextEncoderModel Create(SessionHandle handle)
    {
        try
        {
            var s = handle.Session;
            var ids = RequireInput(s, Part, IdsName);
            if (!ids.IsTensor || ids.ElementDataType is not (TensorElementType.Int32 or TensorElementType.Int64))
                throw new ModelFolderException(Part, $"'{IdsName}' is {Describe(ids)}; expected int32 or int64");
            RequireRank(ids, Part, IdsName, 2);
            if (Fixed(ids, 1) is { } seq && seq != ChunkLength)
                throw new ModelFolderException(Part, $"'{IdsName}' has a fixed length of {seq}; expected {ChunkLength} tokens");
            bool mask = s.InputMetadata.ContainsKey(MaskName);
            foreach (var name in s.InputMetadata.Keys)
                if (name is not (IdsName or MaskName)) throw new ModelFolderException(Part, $"unexpected input '{name}'");

            var last = RequireOutput(s, Part, LastHiddenName);
            RequireFloat(last, Part, LastHiddenName);
            RequireRank(last, Part, LastHiddenName, 3);

            var hidden = s.OutputMetadata.Keys
                .Where(n => n.StartsWith("hidden_states.", StringComparison.Ordinal))
                .Select(n => (Name: n, Ok: int.TryParse(n.AsSpan("hidden_states.".Length), NumberStyles.None, CultureInfo.InvariantCulture, out int i), Index: i))
                .Where(x => x.Ok).OrderBy(x => x.Index).Select(x => x.Name).ToArray();
            return new TextEncoderModel(handle, ids.ElementDataType, mask, hidden) { Width = Fixed(last, 2) };
        }
        catch { handle.Dispose(); throw; }
    }

    /// <summary>Runs one 77-token chunk; returns last_hidden_state as float32 [77 × width].</summary>
    public float[] Encode(ReadOnlySpan<int> ids, RunOptions runOptions)
    {
        if (ids.Length != ChunkLength) throw new ArgumentException($"A text chunk has {ChunkLength} tokens, got {ids.Length}.", nameof(ids));
        using var idBuffer = new TensorBuffer(IdType, [1, ChunkLength]);
        idBuffer.WriteIds(ids);
        using var maskBuffer = _inputNames.Length > 1 ? new TensorBuffer(Session.InputMetadata[MaskName].ElementDataType, [1, ChunkLength]) : null;
        maskBuffer?.Fill(1);
        OrtValue[] inputs = maskBuffer is null ? [idBuffer.Value] : [idBuffer.Value, maskBuffer.Value];
        using var outputs = Session.Run(runOptions, _inputNames, inputs, _outputNames);
        var shape = outputs[0].GetTensorTypeAndShape().Shape;
        if (shape.Length != 3 || shape[0] != 1 || shape[1] != ChunkLength)
            throw new ModelFolderException(Part, $"'{LastHiddenName}' came back as [{string.Join(",", shape)}]; expected [1,{ChunkLength},width]");
        Width = (int)shape[2];
        var result = new float[ChunkLength * Width.Value];
        TensorBuffer.ReadFrom(outputs[0], result);
        return result;
    }

    /// <summary>Frees the session (sequential memory mode); the next encode reopens it.</summary>
    public void Release() => _handle.Release();

    public bool IsOpen => _handle.IsOpen;

    public void Dispose() => _handle.Dispose();
}
