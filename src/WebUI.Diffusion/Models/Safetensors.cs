using System.Buffers.Binary;
using System.Text.Json;

namespace WebUI.Diffusion.Models;

/// <summary>One tensor of a .safetensors file, widened to float32.</summary>
internal sealed record SafetensorsTensor(string Name, long[] Shape, string DType, float[] Values);

/// <summary>
/// Reads .safetensors files: an 8-byte little-endian header length N, N bytes of JSON mapping each tensor name to
/// {dtype, shape, data_offsets: [begin, end]} (offsets relative to the byte after the header; an optional
/// "__metadata__" entry holds strings), then the raw little-endian data. F32, F16 and BF16 tensors are read
/// (F64 too, narrowed); anything else is reported by name. Embeddings are small, so the file is read whole.
/// </summary>
internal static class Safetensors
{
    const long MaxHeader = 100L << 20;

    public static IReadOnlyList<SafetensorsTensor> Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        return Parse(bytes, path);
    }

    public static IReadOnlyList<SafetensorsTensor> Parse(ReadOnlySpan<byte> bytes, string label)
    {
        if (bytes.Length < 8) throw new InvalidDataException($"{label}: too short to be a .safetensors file.");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > (ulong)Math.Min(bytes.Length - 8, MaxHeader))
            throw new InvalidDataException($"{label}: header length {headerLength} runs past the end of the file (not a .safetensors file?).");
        var header = bytes.Slice(8, (int)headerLength);
        var data = bytes[(8 + (int)headerLength)..];
        JsonDocument doc;
        try { doc = JsonDocument.Parse(header.ToArray()); }
        catch (JsonException e) { throw new InvalidDataException($"{label}: the header is not valid JSON ({e.Message}).", e); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{label}: the header is not a JSON object.");
            var tensors = new List<SafetensorsTensor>();
            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__") continue;
                tensors.Add(ReadTensor(entry, data, label));
            }
            return tensors;
        }
    }

    static SafetensorsTensor ReadTensor(JsonProperty entry, ReadOnlySpan<byte> data, string label)
    {
        string what = $"{label}: tensor '{entry.Name}'";
        var v = entry.Value;
        if (v.ValueKind != JsonValueKind.Object
            || !v.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String
            || !v.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array
            || !v.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw new InvalidDataException($"{what} lacks dtype, shape or data_offsets.");
        string dtype = dt.GetString()!;
        int size = dtype switch { "F32" => 4, "F16" or "BF16" => 2, "F64" => 8, _ => 0 };
        if (size == 0) throw new InvalidDataException($"{what} has dtype {dtype}; only F32, F16, BF16 and F64 are supported.");
        var shape = sh.EnumerateArray().Select(d => d.TryGetInt64(out long x) && x >= 0 ? x : throw new InvalidDataException($"{what} has a bad shape.")).ToArray();
        long count = 1;
        foreach (var d in shape) count = checked(count * d);
        long begin = off[0].GetInt64(), end = off[1].GetInt64();
        if (begin < 0 || end < begin || end > data.Length)
            throw new InvalidDataException($"{what} has data offsets [{begin}, {end}] outside the {data.Length} data bytes.");
        if (end - begin != count * size)
            throw new InvalidDataException($"{what}: {end - begin} bytes do not hold {count} {dtype} values.");
        var raw = data.Slice((int)begin, (int)(end - begin));
        var values = new float[count];
        for (int i = 0; i < values.Length; i++)
        {
            var b = raw.Slice(i * size, size);
            values[i] = dtype switch
            {
                "F32" => BinaryPrimitives.ReadSingleLittleEndian(b),
                "F16" => (float)BinaryPrimitives.ReadHalfLittleEndian(b),
                "BF16" => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(b) << 16),
                _ => (float)BinaryPrimitives.ReadDoubleLittleEndian(b),
            };
        }
        return new SafetensorsTensor(entry.Name, shape, dtype, values);
    }
}
