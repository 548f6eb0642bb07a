using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace WebUI.Diffusion.Models;

/// <summary>Small helpers to read a session's declared inputs/outputs and fail with the model-folder wording.</summary>
internal static class SessionMetadata
{
    public static NodeMetadata RequireInput(InferenceSession s, string part, string name) =>
        s.InputMetadata.TryGetValue(name, out var m) ? m : throw new ModelFolderException(part, $"no input named '{name}' (inputs: {Names(s.InputMetadata)})");

    public static NodeMetadata RequireOutput(InferenceSession s, string part, string name) =>
        s.OutputMetadata.TryGetValue(name, out var m) ? m : throw new ModelFolderException(part, $"no output named '{name}' (outputs: {Names(s.OutputMetadata)})");

    /// <summary>The input with this name, else the session's only input (exports differ in naming the VAE's I/O).</summary>
    public static (string Name, NodeMetadata Meta) InputOrOnly(InferenceSession s, string part, string name) =>
        s.InputMetadata.TryGetValue(name, out var m) ? (name, m)
        : s.InputMetadata.Count == 1 ? (s.InputMetadata.Keys.First(), s.InputMetadata.Values.First())
        : throw new ModelFolderException(part, $"no input named '{name}' (inputs: {Names(s.InputMetadata)})");

    public static (string Name, NodeMetadata Meta) OutputOrOnly(InferenceSession s, string part, string name) =>
        s.OutputMetadata.TryGetValue(name, out var m) ? (name, m)
        : s.OutputMetadata.Count == 1 ? (s.OutputMetadata.Keys.First(), s.OutputMetadata.Values.First())
        : throw new ModelFolderException(part, $"no output named '{name}' (outputs: {Names(s.OutputMetadata)})");

    public static TensorElementType RequireFloat(NodeMetadata m, string part, string name)
    {
        if (!m.IsTensor || !TensorBuffer.IsFloat(m.ElementDataType))
            throw new ModelFolderException(part, $"'{name}' is {Describe(m)}; expected a float32 or float16 tensor");
        return m.ElementDataType;
    }

    public static void RequireRank(NodeMetadata m, string part, string name, int rank)
    {
        if (m.Dimensions.Length != rank)
            throw new ModelFolderException(part, $"'{name}' has rank {m.Dimensions.Length} ([{Dims(m)}]); expected rank {rank}");
    }

    /// <summary>The fixed size of a dimension, or null when it is dynamic (symbolic or -1).</summary>
    public static int? Fixed(NodeMetadata m, int axis) => m.Dimensions.Length > axis && m.Dimensions[axis] > 0 ? m.Dimensions[axis] : null;

    public static string Describe(NodeMetadata m) => m.IsTensor ? $"{m.ElementDataType} [{Dims(m)}]" : m.OnnxValueType.ToString();

    public static string Dims(NodeMetadata m) =>
        string.Join(",", m.Dimensions.Select((d, i) => d > 0 ? d.ToString() : m.SymbolicDimensions.Length > i && m.SymbolicDimensions[i] is { Length: > 0 } s ? s : "?"));

    static string Names<T>(IReadOnlyDictionary<string, T> d) => d.Count == 0 ? "none" : string.Join(", ", d.Keys);
}
