using Google.Protobuf;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace WebUI.ModelForge.Onnx;

/// <summary>Element types the forge writes. Float16 initializers and I/O are written as IEEE half.</summary>
public enum ElementType { Float = 1, Int32 = 6, Int64 = 7, Float16 = 10, Bool = 9 }

/// <summary>
/// A small fluent writer for ONNX graphs: declare inputs/outputs with static or named dynamic dims, add
/// initializers and nodes, then save, optionally moving large initializers into one external-data file
/// (as the diffusers exporter does with <c>weights.pb</c> and Optimum with <c>model.onnx_data</c>).
/// Node outputs get unique names so callers can chain calls: <c>var y = g.Op("Relu", x);</c>
/// </summary>
public sealed class GraphBuilder(string name)
{
    readonly GraphProto _graph = new() { Name = name };
    readonly HashSet<string> _names = [];
    int _counter;

    public GraphProto Graph => _graph;

    /// <summary>A fresh unique value name with the given prefix.</summary>
    public string Fresh(string prefix)
    {
        string n;
        do n = $"{prefix}_{_counter++}"; while (!_names.Add(n));
        return n;
    }

    /// <summary>dims: int/long for fixed sizes, string for a named dynamic axis. No dims = a scalar (rank 0).</summary>
    public string Input(string name, ElementType type, params object[] dims)
    {
        _names.Add(name);
        _graph.Input.Add(ValueInfo(name, type, dims));
        return name;
    }

    public void Output(string valueName, ElementType type, params object[] dims)
    {
        _graph.Output.Add(ValueInfo(valueName, type, dims));
    }

    /// <summary>Renames a computed value to a public output name by an Identity node, then declares it.</summary>
    public void OutputAs(string value, string outputName, ElementType type, params object[] dims)
    {
        Node("Identity", [value], [outputName]);
        _names.Add(outputName);
        Output(outputName, type, dims);
    }

    static ValueInfoProto ValueInfo(string name, ElementType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(d switch
            {
                string s => new TensorShapeProto.Types.Dimension { DimParam = s },
                int i => new TensorShapeProto.Types.Dimension { DimValue = i },
                long l => new TensorShapeProto.Types.Dimension { DimValue = l },
                _ => throw new ArgumentException($"Bad dim {d}"),
            });
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    /// <summary>A float initializer stored as <paramref name="storeAs"/> (Float or Float16).</summary>
    public string Initializer(string name, ReadOnlySpan<float> data, long[] dims, ElementType storeAs = ElementType.Float)
    {
        name = Unique(name);
        var t = new TensorProto { Name = name, DataType = (int)storeAs };
        t.Dims.AddRange(dims);
        byte[] raw;
        if (storeAs == ElementType.Float16)
        {
            raw = new byte[data.Length * 2];
            for (int i = 0; i < data.Length; i++)
                BitConverter.TryWriteBytes(raw.AsSpan(i * 2), BitConverter.HalfToUInt16Bits((Half)data[i]));
        }
        else if (storeAs == ElementType.Float)
        {
            raw = new byte[data.Length * 4];
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(data).CopyTo(raw);
        }
        else throw new ArgumentException("Float initializers are stored as Float or Float16.", nameof(storeAs));
        t.RawData = ByteString.CopyFrom(raw);
        _graph.Initializer.Add(t);
        return name;
    }

    /// <summary>
    /// Adds a ready-made initializer (for example one whose bytes were already streamed into an external-data
    /// file) under its own name, which must not be taken yet: callers rely on exact names such as
    /// <c>text_model.embeddings.token_embedding.weight</c>.
    /// </summary>
    public string Initializer(TensorProto tensor)
    {
        if (!_names.Add(tensor.Name)) throw new ArgumentException($"Value name '{tensor.Name}' is already used in graph '{_graph.Name}'.");
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    public string InitializerInt64(string name, ReadOnlySpan<long> data, params long[] dims)
    {
        name = Unique(name);
        var t = new TensorProto { Name = name, DataType = (int)ElementType.Int64 };
        t.Dims.AddRange(dims);
        t.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data));
        _graph.Initializer.Add(t);
        return name;
    }

    /// <summary>A 1-D int64 constant (shapes, axes, indices).</summary>
    public string Ints(params long[] values) => InitializerInt64(Fresh("const_i64"), values, values.Length);

    /// <summary>A float scalar constant (rank 0) of the given type.</summary>
    public string Scalar(float value, ElementType type = ElementType.Float) => Initializer(Fresh("const_f"), [value], [], type);

    string Unique(string name)
    {
        if (_names.Add(name)) return name;
        return Fresh(name);
    }

    /// <summary>Adds a node with one output and returns the output's name.</summary>
    public string Op(string opType, params string[] inputs) => Op(opType, inputs, []);

    public string Op(string opType, string[] inputs, params (string Name, object Value)[] attributes)
    {
        var output = Fresh(opType.ToLowerInvariant());
        Node(opType, inputs, [output], attributes);
        return output;
    }

    /// <summary>Adds a node with explicit output names (empty string = optional input left out).</summary>
    public void Node(string opType, string[] inputs, string[] outputs, params (string Name, object Value)[] attributes)
    {
        var n = new NodeProto { OpType = opType, Name = Fresh("n_" + opType) };
        n.Input.AddRange(inputs);
        n.Output.AddRange(outputs);
        foreach (var o in outputs) _names.Add(o);
        foreach (var (an, av) in attributes) n.Attribute.Add(Attribute(an, av));
        _graph.Node.Add(n);
    }

    /// <summary>A node in a non-default domain (e.g. com.microsoft contrib ops).</summary>
    public string OpInDomain(string domain, string opType, string[] inputs, params (string Name, object Value)[] attributes)
    {
        var output = Fresh(opType.ToLowerInvariant());
        Node(opType, inputs, [output], attributes);
        _graph.Node[^1].Domain = domain;
        return output;
    }

    static AttributeProto Attribute(string name, object value)
    {
        var a = new AttributeProto { Name = name };
        switch (value)
        {
            case int i: a.Type = AttributeProto.Types.AttributeType.Int; a.I = i; break;
            case long l: a.Type = AttributeProto.Types.AttributeType.Int; a.I = l; break;
            case float f: a.Type = AttributeProto.Types.AttributeType.Float; a.F = f; break;
            case double d: a.Type = AttributeProto.Types.AttributeType.Float; a.F = (float)d; break;
            case string s: a.Type = AttributeProto.Types.AttributeType.String; a.S = ByteString.CopyFromUtf8(s); break;
            case long[] ls: a.Type = AttributeProto.Types.AttributeType.Ints; a.Ints.AddRange(ls); break;
            case int[] iss: a.Type = AttributeProto.Types.AttributeType.Ints; a.Ints.AddRange(iss.Select(x => (long)x)); break;
            case float[] fs: a.Type = AttributeProto.Types.AttributeType.Floats; a.Floats.AddRange(fs); break;
            case TensorProto t: a.Type = AttributeProto.Types.AttributeType.Tensor; a.T = t; break;
            default: throw new ArgumentException($"Unsupported attribute type {value.GetType()} for {name}");
        }
        return a;
    }

    /// <summary>Wraps the graph in a model (IR 8, opset 17 by default; contrib domain imported when used).</summary>
    public ModelProto Build(int opset = 17, string producer = "WebUI.ModelForge")
    {
        var m = new ModelProto { IrVersion = 8, Graph = _graph, ProducerName = producer };
        m.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        if (_graph.Node.Any(n => n.Domain == "com.microsoft"))
            m.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.microsoft", Version = 1 });
        return m;
    }
}

/// <summary>Writes models to disk, inline or with large initializers moved into an external-data file.</summary>
public static class ModelWriter
{
    /// <summary>
    /// Saves <paramref name="model"/> to <paramref name="path"/>. With <paramref name="externalDataFile"/> set
    /// (a file name next to the model, e.g. "weights.pb" or "model.onnx_data"), every initializer of at least
    /// <paramref name="threshold"/> bytes is written there and referenced by offset/length.
    /// </summary>
    public static void Save(ModelProto model, string path, string? externalDataFile = null, int threshold = 1024)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        if (externalDataFile is not null)
        {
            using var data = File.Create(Path.Combine(dir, externalDataFile));
            foreach (var t in model.Graph.Initializer)
            {
                if (t.RawData.Length < threshold) continue;
                long offset = data.Position;
                // 4 KiB alignment lets ORT memory-map the weights.
                long aligned = (offset + 4095) / 4096 * 4096;
                if (aligned != offset) { data.Write(new byte[aligned - offset]); offset = aligned; }
                t.RawData.WriteTo(data);
                t.DataLocation = TensorProto.Types.DataLocation.External;
                t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = externalDataFile });
                t.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString() });
                t.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = t.RawData.Length.ToString() });
                t.RawData = ByteString.Empty;
            }
        }
        using var f = File.Create(path);
        model.WriteTo(f);
    }
}
