using WebUI.Diffusion.Models;

namespace WebUI.Diffusion.Tests.Models;

public sealed class PartHashTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("parthash-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    void Write(string name, byte[] bytes) => File.WriteAllBytes(Path.Combine(_dir, name), bytes);

    static byte[] Bytes(int length, byte fill = 7) => Enumerable.Repeat(fill, length).ToArray();

    [Fact]
    public void Is_ten_hex_digits_stable_and_ignores_config_files()
    {
        Write("model.onnx", Bytes(3000));
        string first = PartHash.Of(_dir);
        Assert.Matches("^[0-9a-f]{10}$", first);
        Assert.Equal(first, PartHash.Of(_dir));
        Write("config.json", "{\"in_channels\": 4}"u8.ToArray());
        Assert.Equal(first, PartHash.Of(_dir));
    }

    [Fact]
    public void Changes_with_the_last_mebibyte_of_a_large_weights_file_and_with_file_names()
    {
        var weights = Bytes(3 << 20);
        Write("weights.pb", weights);
        string before = PartHash.Of(_dir);
        weights[^1] ^= 0xFF;
        Write("weights.pb", weights);
        string tailChanged = PartHash.Of(_dir);
        Assert.NotEqual(before, tailChanged);

        File.Move(Path.Combine(_dir, "weights.pb"), Path.Combine(_dir, "model.onnx_data"));
        Assert.NotEqual(tailChanged, PartHash.Of(_dir));
    }
}
