using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static WebUI.Diffusion.Models.SessionMetadata;

namespace WebUI.Diffusion.Models;

/// <summary>
/// A CLIP text encoder session: input_ids (int32 in diffusers exports, int64 in Optimum's) → last_hidden_state,
/// plus the hidden_states.N outputs when the export has them (clip skip, SDXL's penultimate layer) and the pooled
/// output (pooler_output, or text_embeds for SDXL's CLIPTextModelWithProjection).
/// </summary>
internal sealed class TextEncoderModel : IDisposable
{
    public const string IdsName = "input_ids", MaskName = "attention_mask", LastHiddenName = "last_hidden_state",
        TextEmbedsName = "text_embeds", PoolerName = "pooler_output";
    public const int ChunkLength = 77;

    readonly string[] _inputNames;
    readonly Dictionary<(string, string?), string[]> _outputNames = [];
    readonly IDisposable? _keepAlive;
    readonly SessionHandle _handle;

    TextEncoderModel(SessionHandle handle, string part, TensorElementType idType, bool hasMask, IReadOnlyList<string> hiddenStates, IDisposable? keepAlive)
    {
        _handle = handle;
        Part = part;
        IdType = idType;
        HiddenStateOutputs = hiddenStates;
        _inputNames = hasMask ? [IdsName, MaskName] : [IdsName];
        _keepAlive = keepAlive;
    }

    /// <summary>"text_encoder" or "text_encoder_2".</summary>
    public string Part { get; }

    public InferenceSession Session => _handle.Session;
    public TensorElementType IdType { get; }
    /// <summary>"hidden_states.0" (embeddings) … "hidden_states.L" in layer order; empty when not exported.</summary>
    public IReadOnlyList<string> HiddenStateOutputs { get; }
    /// <summary>Embedding width (768 for SD 1.x, 1024 for SD 2.x): from metadata, or from the first encoding.</summary>
    public int? Width { get; private set; }

    public static TextEncoderModel Create(InferenceSession s, string part = ModelFolder.TextEncoder) => Create(SessionHandle.Of(s), part);

    /// <summary>Inspects the session of <paramref name="handle"/> (which the model then owns).</summary>
    /// <param name="keepAlive">Disposed with the model: buffers the session reads in place (AddInitializer).</param>
    public static TextEncoderModel Create(SessionHandle handle, string part = ModelFolder.TextEncoder, IDisposable? keepAlive = null)
    {
        try
        {
            var s = handle.Session;
            var ids = RequireInput(s, part, IdsName);
            if (!ids.IsTensor || ids.ElementDataType is not (TensorElementType.Int32 or TensorElementType.Int64))
                throw new ModelFolderException(part, $"'{IdsName}' is {Describe(ids)}; expected int32 or int64");
            RequireRank(ids, part, IdsName, 2);
            if (Fixed(ids, 1) is { } seq && seq != ChunkLength)
                throw new ModelFolderException(part, $"'{IdsName}' has a fixed length of {seq}; expected {ChunkLength} tokens");
            bool mask = s.InputMetadata.ContainsKey(MaskName);
            foreach (var name in s.InputMetadata.Keys)
                if (name is not (IdsName or MaskName)) throw new ModelFolderException(part, $"unexpected input '{name}'");

            var last = RequireOutput(s, part, LastHiddenName);
            RequireFloat(last, part, LastHiddenName);
            RequireRank(last, part, LastHiddenName, 3);

            var hidden = s.OutputMetadata.Keys
                .Where(n => n.StartsWith("hidden_states.", StringComparison.Ordinal))
                .Select(n => (Name: n, Ok: int.TryParse(n.AsSpan("hidden_states.".Length), NumberStyles.None, CultureInfo.InvariantCulture, out int i), Index: i))
                .Where(x => x.Ok).OrderBy(x => x.Index).Select(x => x.Name).ToArray();
            return new TextEncoderModel(handle, part, ids.ElementDataType, mask, hidden, keepAlive) { Width = Fixed(last, 2) };
        }
        catch { handle.Dispose(); keepAlive?.Dispose(); throw; }
    }

    /// <summary>The pooled output this export has: text_embeds (projected, SDXL's second encoder) or pooler_output.</summary>
    public string? PooledOutput => Session.OutputMetadata.ContainsKey(TextEmbedsName) ? TextEmbedsName
        : Session.OutputMetadata.ContainsKey(PoolerName) ? PoolerName : null;

    /// <summary>Runs one 77-token chunk; returns last_hidden_state as float32 [77 × width].</summary>
    public float[] Encode(ReadOnlySpan<int> ids, RunOptions runOptions) => Encode(ids, runOptions, LastHiddenName, null).Hidden;

    /// <summary>
    /// Runs one 77-token chunk and returns the output <paramref name="hiddenOutput"/> as float32 [77 × width] and,
    /// when <paramref name="pooledOutput"/> is given, that output [width'] too.
    /// </summary>
    public (float[] Hidden, float[]? Pooled) Encode(ReadOnlySpan<int> ids, RunOptions runOptions, string hiddenOutput, string? pooledOutput)
    {
        if (ids.Length != ChunkLength) throw new ArgumentException($"A text chunk has {ChunkLength} tokens, got {ids.Length}.", nameof(ids));
        if (!_outputNames.TryGetValue((hiddenOutput, pooledOutput), out var names))
            _outputNames[(hiddenOutput, pooledOutput)] = names = pooledOutput is null ? [hiddenOutput] : [hiddenOutput, pooledOutput];
        using var idBuffer = new TensorBuffer(IdType, [1, ChunkLength]);
        idBuffer.WriteIds(ids);
        using var maskBuffer = _inputNames.Length > 1 ? new TensorBuffer(Session.InputMetadata[MaskName].ElementDataType, [1, ChunkLength]) : null;
        maskBuffer?.Fill(1);
        OrtValue[] inputs = maskBuffer is null ? [idBuffer.Value] : [idBuffer.Value, maskBuffer.Value];
        using var outputs = Session.Run(runOptions, _inputNames, inputs, names);
        var shape = outputs[0].GetTensorTypeAndShape().Shape;
        if (shape.Length != 3 || shape[0] != 1 || shape[1] != ChunkLength)
            throw new ModelFolderException(Part, $"'{hiddenOutput}' came back as [{string.Join(",", shape)}]; expected [1,{ChunkLength},width]");
        if (hiddenOutput == LastHiddenName) Width = (int)shape[2];
        var hidden = new float[ChunkLength * shape[2]];
        TensorBuffer.ReadFrom(outputs[0], hidden);
        float[]? pooled = null;
        if (pooledOutput is not null)
        {
            var pshape = outputs[1].GetTensorTypeAndShape().Shape;
            if (pshape.Length != 2 || pshape[0] != 1)
                throw new ModelFolderException(Part, $"'{pooledOutput}' came back as [{string.Join(",", pshape)}]; expected [1,width]");
            pooled = new float[pshape[1]];
            TensorBuffer.ReadFrom(outputs[1], pooled);
        }
        return (hidden, pooled);
    }

    /// <summary>Frees the session (sequential memory mode); the next encode reopens it.</summary>
    public void Release() => _handle.Release();

    public bool IsOpen => _handle.IsOpen;

    public void Dispose()
    {
        _handle.Dispose();
        _keepAlive?.Dispose();
    }
}
