using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using WebUI.ModelForge.Architectures;

namespace WebUI.ModelForge.Tests.Architectures;

/// <summary>CLIP text encoder semantics: embeddings, causal attention, pooler at EOS, hidden states, TI override.</summary>
[Collection(TinyFamiliesCollection.Name)]
public sealed class TextEncoderTests(TinyFamilies families)
{
    const int Width = 32;

    static (InferenceSession Session, int Eos, string Dir) Open(string dir, Action<SessionOptions>? configure = null) =>
        (Ort.Load(Path.Combine(dir, "text_encoder", "model.onnx"), configure), DialectIoTests.TokenizerEos(dir), dir);

    static Dictionary<string, (long[] Shape, float[] Data, TensorElementType Type)> Encode(InferenceSession te, double[] ids, int batch, int length) =>
        Ort.Run(te, ("input_ids", Ort.Tensor(te.InputMetadata["input_ids"].ElementDataType, ids, [batch, length])));

    static float[] Row(float[] data, int batch, int position, int length) => data.AsSpan((batch * length + position) * Width, Width).ToArray();

    [Theory]
    [InlineData(TinyDialect.DiffusersFp32)]
    [InlineData(TinyDialect.OptimumFp32)]
    public void PoolerOutputIsTheFinalStateAtTheFirstEndOfText(TinyDialect dialect)
    {
        var (te, eos, _) = Open(families.Sd15(dialect));
        using var _ = te;
        var ids = DialectIoTests.TokenRows(2, eos); // EOS first at position 4 in row 0, 5 in row 1
        var outs = Encode(te, ids, 2, 77);
        for (int b = 0; b < 2; b++)
            Assert.Equal(Row(outs["last_hidden_state"].Data, b, 4 + b, 77), outs["pooler_output"].Data.AsSpan(b * Width, Width).ToArray());
    }

    [Fact]
    public void AttentionIsCausalAndTheSequenceLengthIsDynamic()
    {
        var (te, eos, _) = Open(families.Sd15(TinyDialect.DiffusersFp32));
        using var _ = te;
        var ids = DialectIoTests.TokenRows(1, eos);
        var full = Encode(te, ids, 1, 77)["last_hidden_state"].Data;
        var shortRun = Encode(te, ids[..12], 1, 12)["last_hidden_state"].Data;
        for (int p = 0; p < 12; p++)
            AssertClose(Row(full, 0, p, 77), Row(shortRun, 0, p, 12), 1e-5);

        var changed = (double[])ids.Clone();
        changed[3] = 600; // a later token must not leak into earlier positions
        var after = Encode(te, changed, 1, 77)["last_hidden_state"].Data;
        for (int p = 0; p < 3; p++) AssertClose(Row(full, 0, p, 77), Row(after, 0, p, 77), 1e-6);
        Assert.True(DialectIoTests.MaxAbsDiff(Row(full, 0, 3, 77), Row(after, 0, 3, 77)) > 1e-2);
        Assert.True(DialectIoTests.MaxAbsDiff(Row(full, 0, 40, 77), Row(after, 0, 40, 77)) > 1e-4);
    }

    [Fact]
    public void OptimumHiddenStatesStartWithTheEmbeddingsAndEndBeforeTheFinalNorm()
    {
        var dir = families.Sd15(TinyDialect.OptimumFp32);
        var (te, eos, _) = Open(dir);
        using var _ = te;
        var ids = DialectIoTests.TokenRows(1, eos);
        var outs = Encode(te, ids, 1, 77);
        Assert.Equal(3, outs.Keys.Count(k => k.StartsWith("hidden_states."))); // L = 2 layers: .0 (embeddings) … .2

        var model = OnnxFile.Load(Path.Combine(dir, "text_encoder", "model.onnx"));
        var tokens = OnnxFile.Floats(OnnxFile.Initializer(model, ClipTextArchitecture.TokenEmbeddingName), dir);
        var positions = OnnxFile.Floats(OnnxFile.Initializer(model, "text_model.embeddings.position_embedding.weight"), dir);
        for (int p = 0; p < 77; p += 19)
        {
            int id = (int)ids[p];
            var expected = Enumerable.Range(0, Width).Select(i => tokens[id * Width + i] + positions[p * Width + i]).ToArray();
            AssertClose(expected, Row(outs["hidden_states.0"].Data, 0, p, 77), 1e-6);
        }
        // last_hidden_state = final_layer_norm(hidden_states.L): normalized rows, unlike the raw residual stream.
        var last = Row(outs["last_hidden_state"].Data, 0, 10, 77);
        var raw = Row(outs["hidden_states.2"].Data, 0, 10, 77);
        Assert.True(DialectIoTests.MaxAbsDiff(last, raw) > 1e-2);
        Assert.InRange(Math.Abs(last.Average()), 0, 0.2);
    }

    [Fact]
    public void TokenTableCanBeReplacedThroughAddInitializer()
    {
        var dir = families.Sd15(TinyDialect.DiffusersFp32);
        var model = OnnxFile.Load(Path.Combine(dir, "text_encoder", "model.onnx"));
        var table = OnnxFile.Floats(OnnxFile.Initializer(model, ClipTextArchitecture.TokenEmbeddingName), dir);
        int eos = DialectIoTests.TokenizerEos(dir);
        Assert.Equal(eos + 1, table.Length / Width); // one row per tokenizer id

        var ids = DialectIoTests.TokenRows(1, eos);
        int replacedId = (int)ids[2];
        for (int i = 0; i < Width; i++) table[replacedId * Width + i] = (i % 2 == 0 ? 1.5f : -1.5f);
        using var tableValue = OrtValue.CreateTensorValueFromMemory(table, [table.Length / Width, Width]);

        var (plain, _, _) = Open(dir);
        var (ti, _, _) = Open(dir, so => so.AddInitializer(ClipTextArchitecture.TokenEmbeddingName, tableValue));
        using (plain)
        using (ti)
        {
            var a = Encode(plain, ids, 1, 77)["last_hidden_state"].Data;
            var b = Encode(ti, ids, 1, 77)["last_hidden_state"].Data;
            AssertClose(Row(a, 0, 1, 77), Row(b, 0, 1, 77), 1e-6); // before the replaced token: unchanged
            Assert.True(DialectIoTests.MaxAbsDiff(Row(a, 0, 2, 77), Row(b, 0, 2, 77)) > 0.1);
        }
    }

    static void AssertClose(float[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = DialectIoTests.MaxAbsDiff(expected, actual);
        Assert.True(worst <= tolerance, $"max difference {worst} > {tolerance}");
    }
}
