using WebUI.Diffusion.Text;

namespace WebUI.Diffusion.Tests.Text;

/// <summary>Special tokens and model length read from diffusers tokenizer folders (SD 1.x vs SD 2.x / SDXL-2).</summary>
public sealed class ClipTokenizerFolderTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "webui-tok-" + Guid.NewGuid().ToString("N"));

    public ClipTokenizerFolderTests()
    {
        Directory.CreateDirectory(_dir);
        File.Copy(SharedData.VocabPath, Path.Combine(_dir, "vocab.json"));
        File.Copy(SharedData.MergesPath, Path.Combine(_dir, "merges.txt"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    void Write(string name, string json) => File.WriteAllText(Path.Combine(_dir, name), json);

    [Fact]
    public void Folder_without_special_files_uses_clip_defaults()
    {
        var t = ClipTokenizer.FromFolder(_dir);
        Assert.Equal((49406, 49407, 49407, 77), (t.BosId, t.EosId, t.PadId, t.ModelMaxLength));
    }

    [Fact]
    public void Sd1_folder_pads_with_endoftext()
    {
        Write("special_tokens_map.json", """
            {"bos_token": {"content": "<|startoftext|>", "lstrip": false}, "eos_token": {"content": "<|endoftext|>"},
             "pad_token": "<|endoftext|>", "unk_token": {"content": "<|endoftext|>"}}
            """);
        Write("tokenizer_config.json", """{"model_max_length": 77, "pad_token": "<|endoftext|>", "do_lower_case": true}""");
        var t = ClipTokenizer.FromFolder(_dir);
        Assert.Equal((49406, 49407, 49407, 77), (t.BosId, t.EosId, t.PadId, t.ModelMaxLength));
    }

    [Fact]
    public void Sd2_and_sdxl_second_tokenizer_pad_with_exclamation_mark()
    {
        Write("special_tokens_map.json", """{"bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>", "pad_token": "!", "unk_token": "<|endoftext|>"}""");
        Write("tokenizer_config.json", """{"model_max_length": 77, "pad_token": {"content": "!", "__type": "AddedToken"}}""");
        var t = ClipTokenizer.FromFolder(_dir);
        Assert.Equal(0, t.PadId);
        Assert.Equal(49407, t.EosId);
    }

    [Fact]
    public void Special_tokens_map_overrides_tokenizer_config_and_huge_max_length_means_77()
    {
        Write("tokenizer_config.json", """{"model_max_length": 1000000000000000019884624838656, "pad_token": "!"}""");
        Write("special_tokens_map.json", """{"pad_token": "<|endoftext|>"}""");
        var t = ClipTokenizer.FromFolder(_dir);
        Assert.Equal(49407, t.PadId);
        Assert.Equal(77, t.ModelMaxLength);
    }

    [Fact]
    public void Config_max_length_is_honoured()
    {
        Write("tokenizer_config.json", """{"model_max_length": 64}""");
        Assert.Equal(64, ClipTokenizer.FromFolder(_dir).ModelMaxLength);
    }

    [Fact]
    public void Unknown_pad_token_names_the_file()
    {
        Write("special_tokens_map.json", """{"pad_token": "<pad>"}""");
        var e = Assert.Throws<InvalidDataException>(() => ClipTokenizer.FromFolder(_dir));
        Assert.Contains("<pad>", e.Message);
        Assert.Contains("special_tokens_map.json", e.Message);
    }

    [Fact]
    public void Missing_or_broken_files_are_reported_clearly()
    {
        File.Delete(Path.Combine(_dir, "merges.txt"));
        var missing = Assert.Throws<FileNotFoundException>(() => ClipTokenizer.FromFolder(_dir));
        Assert.Contains("merges.txt", missing.Message);

        File.WriteAllText(Path.Combine(_dir, "merges.txt"), "#version: 0.2\ni n\nzzq qqz\n");
        var bad = Assert.Throws<InvalidDataException>(() => ClipTokenizer.FromFolder(_dir));
        Assert.Contains("line 3", bad.Message);

        File.WriteAllText(Path.Combine(_dir, "vocab.json"), "{\"a\": ");
        Assert.Throws<InvalidDataException>(() => ClipTokenizer.FromFolder(_dir));
        Assert.Throws<DirectoryNotFoundException>(() => ClipTokenizer.FromFolder(Path.Combine(_dir, "nope")));
    }
}
