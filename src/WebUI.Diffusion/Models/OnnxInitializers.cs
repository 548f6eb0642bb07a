using System.Buffers.Binary;
using System.Text;

namespace WebUI.Diffusion.Models;

/// <summary>A float initializer read from an ONNX file: its shape, its declared element type and its values as float32.</summary>
internal sealed record OnnxFloatTensor(string Name, long[] Dims, OnnxFloatTensor.ElementKind Kind, float[] Values)
{
    public enum ElementKind { Float32 = 1, Float16 = 10, BFloat16 = 16 }
}

/// <summary>
/// Reads named float initializers straight from an ONNX protobuf file, because ONNX Runtime does not hand out a
/// session's weights. Used for the text encoder's final LayerNorm (clip skip) and its token-embedding table
/// (textual inversion). The file is walked field by field (ModelProto.graph → GraphProto.initializer →
/// TensorProto) and everything else is skipped by seeking, so only the wanted tensors are ever read into memory;
/// external data (location/offset/length next to the model) is followed as ONNX Runtime would.
/// </summary>
internal static class OnnxInitializers
{
    // Protobuf field numbers (onnx.proto3).
    const int ModelGraph = 7, GraphInitializer = 5;
    const int TensorDims = 1, TensorDataType = 2, TensorFloatData = 4, TensorInt32Data = 5, TensorName = 8, TensorRawData = 9,
        TensorExternalData = 13, TensorDataLocation = 14;

    /// <summary>
    /// The initializers among <paramref name="names"/> that the model holds as float32/float16/bfloat16 tensors.
    /// Names it lacks are absent from the result. Throws <see cref="InvalidDataException"/> for a malformed file.
    /// </summary>
    public static IReadOnlyDictionary<string, OnnxFloatTensor> Read(string modelPath, IReadOnlyCollection<string> names)
    {
        var wanted = new HashSet<string>(names, StringComparer.Ordinal);
        var found = new Dictionary<string, OnnxFloatTensor>(StringComparer.Ordinal);
        using var stream = new FileStream(modelPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var reader = new ProtoReader(stream, modelPath);
        long end = stream.Length;
        while (reader.Position < end && found.Count < wanted.Count)
        {
            var (field, wire) = reader.ReadTag();
            if (field == ModelGraph && wire == 2)
            {
                long graphEnd = reader.ReadLength() + reader.Position;
                while (reader.Position < graphEnd && found.Count < wanted.Count)
                {
                    var (gf, gw) = reader.ReadTag();
                    if (gf == GraphInitializer && gw == 2)
                    {
                        long tensorEnd = reader.ReadLength() + reader.Position;
                        var tensor = ReadTensor(reader, tensorEnd, wanted, Path.GetDirectoryName(Path.GetFullPath(modelPath))!);
                        if (tensor is not null) found[tensor.Name] = tensor;
                        reader.Seek(tensorEnd);
                    }
                    else reader.Skip(gw);
                }
                reader.Seek(graphEnd);
            }
            else reader.Skip(wire);
        }
        return found;
    }

    static OnnxFloatTensor? ReadTensor(ProtoReader r, long end, HashSet<string> wanted, string modelDir)
    {
        var dims = new List<long>();
        int dataType = 0, location = 0;
        string? name = null;
        (long Offset, long Length)? raw = null, floats = null, int32s = null;
        var external = new Dictionary<string, string>(StringComparer.Ordinal);
        while (r.Position < end)
        {
            var (field, wire) = r.ReadTag();
            switch (field)
            {
                case TensorDims when wire == 0: dims.Add((long)r.ReadVarint()); break;
                case TensorDims when wire == 2:
                    long dimsEnd = r.ReadLength() + r.Position;
                    while (r.Position < dimsEnd) dims.Add((long)r.ReadVarint());
                    break;
                case TensorDataType when wire == 0: dataType = (int)r.ReadVarint(); break;
                case TensorName when wire == 2: name = r.ReadString(); break;
                case TensorRawData when wire == 2: raw = r.Span(); break;
                case TensorFloatData when wire == 2: floats = r.Span(); break;
                case TensorInt32Data when wire == 2: int32s = r.Span(); break;
                case TensorDataLocation when wire == 0: location = (int)r.ReadVarint(); break;
                case TensorExternalData when wire == 2:
                    long entryEnd = r.ReadLength() + r.Position;
                    string? key = null, value = null;
                    while (r.Position < entryEnd)
                    {
                        var (ef, ew) = r.ReadTag();
                        if (ef == 1 && ew == 2) key = r.ReadString();
                        else if (ef == 2 && ew == 2) value = r.ReadString();
                        else r.Skip(ew);
                    }
                    if (key is not null && value is not null) external[key] = value;
                    break;
                default: r.Skip(wire); break;
            }
        }
        if (name is null || !wanted.Contains(name)) return null;
        if (!Enum.IsDefined((OnnxFloatTensor.ElementKind)dataType)) return null;
        var kind = (OnnxFloatTensor.ElementKind)dataType;
        long count = 1;
        foreach (var d in dims) count = checked(count * d);
        if (count > Array.MaxLength) throw new InvalidDataException($"{r.File}: initializer '{name}' is too large to read ({count} values).");
        var values = new float[count];
        int size = kind == OnnxFloatTensor.ElementKind.Float32 ? 4 : 2;

        if (location == 1 || external.Count > 0)
        {
            if (!external.TryGetValue("location", out var file))
                throw new InvalidDataException($"{r.File}: initializer '{name}' has external data without a location.");
            long offset = external.TryGetValue("offset", out var o) ? long.Parse(o, System.Globalization.CultureInfo.InvariantCulture) : 0;
            string dataPath = Path.GetFullPath(Path.Combine(modelDir, file));
            if (!dataPath.StartsWith(modelDir, StringComparison.Ordinal))
                throw new InvalidDataException($"{r.File}: initializer '{name}' points outside the model folder ({file}).");
            using var data = new FileStream(dataPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            data.Seek(offset, SeekOrigin.Begin);
            DecodeRaw(data, count * size, kind, values, $"{dataPath} ('{name}')");
        }
        else if (raw is { } rawSpan)
        {
            if (rawSpan.Length != count * size)
                throw new InvalidDataException($"{r.File}: initializer '{name}' has {rawSpan.Length} bytes of data for {count} values.");
            r.Seek(rawSpan.Offset);
            DecodeRaw(r.Stream, rawSpan.Length, kind, values, $"{r.File} ('{name}')");
        }
        else if (kind == OnnxFloatTensor.ElementKind.Float32 && floats is { } f)
        {
            if (f.Length != count * 4) throw new InvalidDataException($"{r.File}: initializer '{name}' has {f.Length / 4} floats for {count} values.");
            r.Seek(f.Offset);
            DecodeRaw(r.Stream, f.Length, kind, values, $"{r.File} ('{name}')");
        }
        else if (kind != OnnxFloatTensor.ElementKind.Float32 && int32s is { } ints)
        {
            // float16/bfloat16 without raw_data: the bit patterns are varints in int32_data.
            r.Seek(ints.Offset);
            long stop = ints.Offset + ints.Length;
            int i = 0;
            while (r.Position < stop && i < values.Length)
                values[i++] = Widen(kind, (ushort)r.ReadVarint());
            if (i != values.Length) throw new InvalidDataException($"{r.File}: initializer '{name}' has {i} values, expected {count}.");
        }
        else if (count != 0) throw new InvalidDataException($"{r.File}: initializer '{name}' has no data.");
        return new OnnxFloatTensor(name, dims.ToArray(), kind, values);
    }

    static void DecodeRaw(Stream s, long bytes, OnnxFloatTensor.ElementKind kind, float[] values, string what)
    {
        var buffer = new byte[1 << 16];
        int size = kind == OnnxFloatTensor.ElementKind.Float32 ? 4 : 2, index = 0;
        long left = bytes;
        while (left > 0)
        {
            int want = (int)Math.Min(buffer.Length, left);
            s.ReadExactly(buffer, 0, want);
            for (int p = 0; p + size <= want; p += size)
                values[index++] = kind == OnnxFloatTensor.ElementKind.Float32
                    ? BinaryPrimitives.ReadSingleLittleEndian(buffer.AsSpan(p))
                    : Widen(kind, BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(p)));
            left -= want;
        }
        if (index != values.Length) throw new InvalidDataException($"{what}: expected {values.Length} values, read {index}.");
    }

    static float Widen(OnnxFloatTensor.ElementKind kind, ushort bits) => kind == OnnxFloatTensor.ElementKind.Float16
        ? (float)BitConverter.UInt16BitsToHalf(bits)
        : BitConverter.Int32BitsToSingle(bits << 16);

    /// <summary>A forward protobuf reader over a seekable stream.</summary>
    sealed class ProtoReader(Stream stream, string file)
    {
        public Stream Stream => stream;
        public string File => file;
        public long Position => stream.Position;
        public void Seek(long position) => stream.Position = position;

        public (int Field, int Wire) ReadTag()
        {
            ulong tag = ReadVarint();
            return ((int)(tag >> 3), (int)(tag & 7));
        }

        public ulong ReadVarint()
        {
            ulong result = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                int b = stream.ReadByte();
                if (b < 0) throw new InvalidDataException($"{file}: unexpected end of file (not an ONNX model?).");
                result |= (ulong)(b & 0x7f) << shift;
                if ((b & 0x80) == 0) return result;
            }
            throw new InvalidDataException($"{file}: malformed varint (not an ONNX model?).");
        }

        public long ReadLength()
        {
            ulong n = ReadVarint();
            if (n > (ulong)(stream.Length - stream.Position)) throw new InvalidDataException($"{file}: a field runs past the end of the file (not an ONNX model?).");
            return (long)n;
        }

        public (long Offset, long Length) Span()
        {
            long n = ReadLength();
            var span = (stream.Position, n);
            stream.Position += n;
            return span;
        }

        public string ReadString()
        {
            long n = ReadLength();
            var bytes = new byte[n];
            stream.ReadExactly(bytes);
            return Encoding.UTF8.GetString(bytes);
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: ReadVarint(); break;
                case 1: stream.Position += 8; break;
                case 2:
                    long n = ReadLength(); // read first: `Position += ReadLength()` would take Position before the varint
                    stream.Position += n;
                    break;
                case 5: stream.Position += 4; break;
                default: throw new InvalidDataException($"{file}: unsupported protobuf wire type {wire} (not an ONNX model?).");
            }
        }
    }
}
