using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using WebUI.ModelForge.Onnx;

namespace WebUI.ModelForge.Architectures;

/// <summary>Where a <see cref="WeightStore"/> puts the bytes of the weights it creates.</summary>
public enum WeightPlacement
{
    /// <summary>Inside model.onnx (raw_data), as exporters do for models under 2 GB.</summary>
    Inline,
    /// <summary>Streamed straight into one external-data file next to model.onnx; memory stays bounded.</summary>
    External,
    /// <summary>Nothing is generated or written; only the parameter count is kept (fast architecture checks).</summary>
    CountOnly,
}

/// <summary>
/// Creates the learned weights of a graph: seeded random values, scaled by the caller so activations stay O(1),
/// stored as float or float16. Each tensor's values depend only on (seed, tensor name), never on build order,
/// so a part built inline and the same part streamed to disk hold identical weights.
/// </summary>
public sealed class WeightStore : IDisposable
{
    const int ChunkElements = 1 << 16;
    const int Alignment = 4096; // lets ORT memory-map external weights
    const int InlineBelowBytes = 1024; // tiny tensors stay in the graph, as ModelWriter does

    readonly GraphBuilder _graph;
    readonly int _seed;
    readonly FileStream? _external;
    readonly string? _externalName;
    readonly float[] _chunk = new float[ChunkElements];
    readonly byte[] _bytes = new byte[ChunkElements * 4];
    readonly IProgress<string>? _log;
    long _lastLoggedBytes;

    public WeightStore(GraphBuilder graph, ElementType storeAs, int seed, WeightPlacement placement,
        string? externalPath = null, IProgress<string>? log = null)
    {
        if (storeAs is not (ElementType.Float or ElementType.Float16))
            throw new ArgumentException("Weights are stored as Float or Float16.", nameof(storeAs));
        _graph = graph;
        StoreAs = storeAs;
        _seed = seed;
        Placement = placement;
        _log = log;
        if (placement == WeightPlacement.External)
        {
            if (string.IsNullOrEmpty(externalPath)) throw new ArgumentException("External placement needs a file path.", nameof(externalPath));
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(externalPath))!);
            _external = new FileStream(externalPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
            _externalName = Path.GetFileName(externalPath);
        }
    }

    public ElementType StoreAs { get; }
    public WeightPlacement Placement { get; }

    /// <summary>Number of learned parameters created so far (the figure papers quote, e.g. 859,520,964 for the SD 1.5 UNet).</summary>
    public long ParameterCount { get; private set; }

    /// <summary>Bytes written to the external-data file so far (0 when inline).</summary>
    public long ExternalBytes => _external?.Position ?? 0;

    /// <summary>Random values uniform in [−√3·std, √3·std] (mean 0, standard deviation <paramref name="std"/>).</summary>
    public string Random(string name, long[] dims, double std) => Create(name, dims, 0, std);

    /// <summary>A normalization scale: 1 plus a little noise, so every channel differs yet stays near identity.</summary>
    public string Scale(string name, long[] dims) => Create(name, dims, 1, 0.05);

    /// <summary>A bias or normalization shift: small noise around 0.</summary>
    public string Bias(string name, long[] dims) => Create(name, dims, 0, 0.02);

    string Create(string name, long[] dims, double mean, double std)
    {
        long count = 1;
        foreach (var d in dims) count *= d;
        ParameterCount += count;
        if (Placement == WeightPlacement.CountOnly) return name;

        var rng = new SplitMix(Hash(_seed, name));
        double half = Math.Sqrt(3) * std;
        int elementBytes = StoreAs == ElementType.Float16 ? 2 : 4;
        long byteLength = count * elementBytes;
        var tensor = new TensorProto { Name = name, DataType = (int)StoreAs };
        tensor.Dims.AddRange(dims);

        if (Placement == WeightPlacement.Inline || byteLength < InlineBelowBytes)
        {
            var raw = new byte[byteLength];
            for (long done = 0; done < count;)
            {
                int n = (int)Math.Min(ChunkElements, count - done);
                Fill(rng, _chunk.AsSpan(0, n), mean, half);
                Encode(_chunk.AsSpan(0, n), raw.AsSpan((int)(done * elementBytes), n * elementBytes));
                done += n;
            }
            // Wrap instead of copy: the array is never touched again, and a copy would double peak memory.
            tensor.RawData = UnsafeByteOperations.UnsafeWrap(raw);
            return _graph.Initializer(tensor);
        }

        var file = _external!;
        long offset = (file.Position + Alignment - 1) / Alignment * Alignment;
        if (offset != file.Position) file.Write(new byte[offset - file.Position]);
        for (long done = 0; done < count;)
        {
            int n = (int)Math.Min(ChunkElements, count - done);
            Fill(rng, _chunk.AsSpan(0, n), mean, half);
            var bytes = _bytes.AsSpan(0, n * elementBytes);
            Encode(_chunk.AsSpan(0, n), bytes);
            file.Write(bytes);
            done += n;
        }
        tensor.DataLocation = TensorProto.Types.DataLocation.External;
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = _externalName });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString() });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = byteLength.ToString() });
        if (_log is not null && file.Position - _lastLoggedBytes >= 256L << 20)
        {
            _lastLoggedBytes = file.Position;
            _log.Report($"  {_externalName}: {file.Position / (1 << 20)} MiB written ({ParameterCount:N0} parameters)");
        }
        return _graph.Initializer(tensor);
    }

    /// <summary>A fixed (not learned) float tensor in the store's element type, always inline: masks, frequency tables.</summary>
    public string Constant(string name, ReadOnlySpan<float> values, long[] dims) =>
        Placement == WeightPlacement.CountOnly ? name : _graph.Initializer(name, values, dims, StoreAs);

    static void Fill(SplitMix rng, Span<float> values, double mean, double half)
    {
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)(mean + half * (2 * rng.NextUnit() - 1));
    }

    void Encode(ReadOnlySpan<float> values, Span<byte> destination)
    {
        if (StoreAs == ElementType.Float)
        {
            MemoryMarshal.AsBytes(values).CopyTo(destination);
            return;
        }
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteUInt16LittleEndian(destination[(i * 2)..], BitConverter.HalfToUInt16Bits((Half)values[i]));
    }

    /// <summary>FNV-1a of the name mixed with the seed: a stable per-tensor stream id across runs and platforms.</summary>
    static ulong Hash(int seed, string name)
    {
        ulong h = 14695981039346656037UL ^ (ulong)(uint)seed;
        foreach (char c in name) { h ^= c; h *= 1099511628211UL; }
        return h;
    }

    /// <summary>Closes the external-data file (the graph must be saved after this so the file is complete).</summary>
    public void Dispose() => _external?.Dispose();

    /// <summary>SplitMix64: tiny, fast and good enough for weight noise; no allocation per value.</summary>
    sealed class SplitMix(ulong state)
    {
        ulong _state = state;

        public double NextUnit()
        {
            ulong z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (z >> 11) * (1.0 / (1UL << 53));
        }
    }
}
