using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace WebUI.Diffusion.Models;

/// <summary>
/// A tensor of a session's declared element type backed by a managed array that ONNX Runtime reads or writes in
/// place (<see cref="OrtValue.CreateTensorValueFromMemory{T}(T[], long[])"/> pins it). Made once per generation and
/// reused every step; the engine computes in float32 and converts at this boundary (float16 via System.Half).
/// </summary>
internal sealed class TensorBuffer : IDisposable
{
    readonly float[]? _f32;
    readonly Float16[]? _f16;
    readonly long[]? _i64;
    readonly int[]? _i32;

    public TensorBuffer(TensorElementType type, long[] shape)
    {
        Type = type;
        Shape = shape;
        long n = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException($"Tensor shape [{string.Join(",", shape)}] has an unresolved dimension.");
            n *= d;
        }
        Length = checked((int)n);
        Value = type switch
        {
            TensorElementType.Float => OrtValue.CreateTensorValueFromMemory(_f32 = new float[Length], shape),
            TensorElementType.Float16 => OrtValue.CreateTensorValueFromMemory(_f16 = new Float16[Length], shape),
            TensorElementType.Int64 => OrtValue.CreateTensorValueFromMemory(_i64 = new long[Length], shape),
            TensorElementType.Int32 => OrtValue.CreateTensorValueFromMemory(_i32 = new int[Length], shape),
            _ => throw new NotSupportedException($"Element type {type} is not used by Stable Diffusion models."),
        };
    }

    public TensorElementType Type { get; }
    public long[] Shape { get; }
    public int Length { get; }
    public OrtValue Value { get; }

    /// <summary>True for the element types the engine accepts for float tensors.</summary>
    public static bool IsFloat(TensorElementType t) => t is TensorElementType.Float or TensorElementType.Float16;

    /// <summary>Writes <paramref name="source"/>·<paramref name="scale"/> starting at element <paramref name="offset"/>.</summary>
    public void Write(ReadOnlySpan<float> source, int offset = 0, float scale = 1f)
    {
        if (_f32 is not null)
        {
            var d = _f32.AsSpan(offset, source.Length);
            if (scale == 1f) source.CopyTo(d);
            else for (int i = 0; i < source.Length; i++) d[i] = source[i] * scale;
        }
        else if (_f16 is not null)
        {
            var d = MemoryMarshal.Cast<Float16, Half>(_f16.AsSpan(offset, source.Length));
            for (int i = 0; i < source.Length; i++) d[i] = (Half)(source[i] * scale);
        }
        else throw new InvalidOperationException($"A {Type} tensor cannot hold float data.");
    }

    /// <summary>Copies <paramref name="destination"/>.Length elements starting at <paramref name="offset"/>, as float32.</summary>
    public void Read(Span<float> destination, int offset = 0)
    {
        if (_f32 is not null) _f32.AsSpan(offset, destination.Length).CopyTo(destination);
        else if (_f16 is not null)
        {
            var s = MemoryMarshal.Cast<Float16, Half>(_f16.AsSpan(offset, destination.Length));
            for (int i = 0; i < s.Length; i++) destination[i] = (float)s[i];
        }
        else throw new InvalidOperationException($"A {Type} tensor does not hold float data.");
    }

    /// <summary>Token ids into an int32 or int64 tensor.</summary>
    public void WriteIds(ReadOnlySpan<int> ids, int offset = 0)
    {
        if (_i32 is not null) ids.CopyTo(_i32.AsSpan(offset));
        else if (_i64 is not null) for (int i = 0; i < ids.Length; i++) _i64[offset + i] = ids[i];
        else throw new InvalidOperationException($"A {Type} tensor cannot hold token ids.");
    }

    /// <summary>Sets every element to <paramref name="value"/> (a timestep: integer types get it rounded).</summary>
    public void Fill(double value)
    {
        if (_f32 is not null) _f32.AsSpan().Fill((float)value);
        else if (_f16 is not null) MemoryMarshal.Cast<Float16, Half>(_f16.AsSpan()).Fill((Half)value);
        else if (_i64 is not null) _i64.AsSpan().Fill((long)Math.Round(value));
        else _i32!.AsSpan().Fill((int)Math.Round(value));
    }

    /// <summary>Reads a float32 or float16 tensor (e.g. one ONNX Runtime allocated) into float32.</summary>
    public static void ReadFrom(OrtValue value, Span<float> destination, int offset = 0)
    {
        var type = value.GetTensorTypeAndShape().ElementDataType;
        if (type == TensorElementType.Float)
            value.GetTensorDataAsSpan<float>().Slice(offset, destination.Length).CopyTo(destination);
        else if (type == TensorElementType.Float16)
        {
            var s = MemoryMarshal.Cast<Float16, Half>(value.GetTensorDataAsSpan<Float16>().Slice(offset, destination.Length));
            for (int i = 0; i < s.Length; i++) destination[i] = (float)s[i];
        }
        else throw new InvalidOperationException($"Expected a float tensor, got {type}.");
    }

    public void Dispose() => Value.Dispose();
}
