using Onnx;
using WebUI.ModelForge.Onnx;

namespace WebUI.ModelForge.Demo;

/// <summary>
/// The demo text encoder in the diffusers-script contract: <c>input_ids</c> int32 [batch, sequence] →
/// <c>last_hidden_state</c> [batch, sequence, 768] and <c>pooler_output</c> [batch, 768].
/// Each token's state is a row of a table: its K gallery affinities, then a constant 1 (a "token present" channel),
/// then zeros up to the hidden size. The constant keeps every state non-zero, because A1111's emphasis step divides by
/// the mean of the whole [77, 768] tensor, which would be 0/0 for a prompt of unknown words.
/// </summary>
static class DemoTextEncoderGraph
{
    public static ModelProto Build(float[] affinity, int vocabulary, int members, int hidden)
    {
        if (members + 1 > hidden) throw new ArgumentException($"{members} members need a hidden size above {members}.");
        int width = members + 1;
        var table = new float[vocabulary * width];
        for (int v = 0; v < vocabulary; v++)
        {
            Array.Copy(affinity, v * members, table, v * width, members);
            table[v * width + members] = 1f;
        }
        var g = new GraphBuilder("demo_text_encoder");
        var ids = g.Input("input_ids", ElementType.Int32, "batch", "sequence");
        var weights = g.Initializer("token_affinity.weight", table, [vocabulary, width]);
        var rows = g.Op("Gather", [weights, ids], ("axis", 0));
        var pads = g.Ints(0, 0, 0, 0, 0, hidden - width);
        var states = g.Op("Pad", [rows, pads]);
        g.OutputAs(states, "last_hidden_state", ElementType.Float, "batch", "sequence", hidden);
        // CLIP pools the state at the end-of-text token, found as the position of the highest id (EOS is the last id).
        var idsF = g.Op("Cast", [ids], ("to", (int)ElementType.Float));
        var eos = g.Op("ArgMax", [idsF], ("axis", 1), ("keepdims", 1));          // [B, 1]
        var index = g.Op("Unsqueeze", eos, g.Ints(2));                           // [B, 1, 1]
        var wide = g.Op("Expand", index, g.Ints(1, 1, hidden));                  // [B, 1, H]
        var picked = g.Op("GatherElements", [states, wide], ("axis", 1));       // [B, 1, H]
        var pooled = g.Op("Squeeze", picked, g.Ints(1));
        g.OutputAs(pooled, "pooler_output", ElementType.Float, "batch", hidden);
        return g.Build();
    }
}
