using System.Text.Json;
using WebUI.Tests.Support;

namespace WebUI.Tests.Cli;

[Collection(DemoDataDirCollection.Name)]
public sealed class CliTests(DemoDataDir data)
{
    [Fact]
    public async Task Generate_writes_an_A1111_named_png_whose_png_info_describes_the_request()
    {
        var run = await CliRunner.RunAsync("generate", "--data-dir", data.Path, "--prompt", "a red house by a lake",
            "--steps", "8", "--seed", "1", "--width", "64", "--height", "64");
        Assert.True(run.ExitCode == 0, run.Error);
        string path = Assert.Single(run.OutLines);
        Assert.True(File.Exists(path));
        string expectedFolder = Path.Combine(data.Paths.Txt2ImgDir, DateTime.Now.ToString("yyyy-MM-dd"));
        Assert.Equal(expectedFolder, Path.GetDirectoryName(path));
        Assert.Matches(@"^\d{5}-1\.png$", Path.GetFileName(path));

        var info = await CliRunner.RunAsync("png-info", path);
        Assert.Equal(0, info.ExitCode);
        using var json = JsonDocument.Parse(info.Out);
        string infotext = json.RootElement.GetProperty("info").GetString()!;
        Assert.StartsWith("a red house by a lake\n", infotext);
        Assert.Contains("Steps: 8", infotext);
        Assert.Contains("Sampler: DPM++ 2M", infotext);
        Assert.Contains("Seed: 1,", infotext);
        Assert.Contains("Size: 64x64", infotext);
        Assert.Contains("Model: demo", infotext);
    }

    [Fact]
    public async Task Generate_at_A1111_defaults_records_size_512x512_and_the_negative_prompt()
    {
        using var outDir = new TempDirectory();
        var run = await CliRunner.RunAsync("generate", "--data-dir", data.Path, "--prompt", "a lighthouse on a cliff at sunset",
            "--negative-prompt", "fog", "--seed", "1", "--out", outDir.Path);
        Assert.True(run.ExitCode == 0, run.Error);
        var info = await CliRunner.RunAsync("png-info", Assert.Single(run.OutLines));
        using var json = JsonDocument.Parse(info.Out);
        var parameters = json.RootElement.GetProperty("parameters");
        Assert.Equal("a lighthouse on a cliff at sunset", parameters.GetProperty("Prompt").GetString());
        Assert.Equal("fog", parameters.GetProperty("Negative prompt").GetString());
        Assert.Equal("20", parameters.GetProperty("Steps").GetString());
        Assert.Equal("DPM++ 2M", parameters.GetProperty("Sampler").GetString());
        Assert.Equal("1", parameters.GetProperty("Seed").GetString());
        Assert.Equal("512", parameters.GetProperty("Size-1").GetString());
        Assert.Equal("512", parameters.GetProperty("Size-2").GetString());
        Assert.Equal("demo", parameters.GetProperty("Model").GetString());
        Assert.Contains("Size: 512x512", json.RootElement.GetProperty("info").GetString());
    }

    [Fact]
    public async Task Generate_numbers_files_after_the_existing_ones_and_honours_out_file_and_batch()
    {
        using var outDir = new TempDirectory();
        File.WriteAllBytes(outDir.Combine("00041-7.png"), [0]);
        var first = await CliRunner.RunAsync("generate", "--data-dir", data.Path, "--prompt", "sunset", "--steps", "4",
            "--seed", "5", "--width", "64", "--height", "64", "--batch-size", "2", "--out", outDir.Path);
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Equal([outDir.Combine("00042-5.png"), outDir.Combine("00043-6.png")], first.OutLines);

        string file = outDir.Combine("named.png");
        var second = await CliRunner.RunAsync("generate", "--data-dir", data.Path, "--prompt", "sunset", "--steps", "4",
            "--seed", "5", "--width", "64", "--height", "64", "--out", file);
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Equal(file, Assert.Single(second.OutLines));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(file)[..4]);
    }

    [Fact]
    public async Task Png_info_of_a_file_that_is_not_a_picture_fails_with_exit_code_1()
    {
        using var dir = new TempDirectory();
        string text = dir.Combine("notes.png");
        File.WriteAllText(text, "just text");
        var run = await CliRunner.RunAsync("png-info", text);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("is not a PNG, JPEG or WebP picture", run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.Equal("", run.Out);

        var missing = await CliRunner.RunAsync("png-info", dir.Combine("nothing-here.png"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("File not found", missing.Error);
    }

    [Fact]
    public async Task Tokenize_prints_the_ids_as_a_json_array()
    {
        var run = await CliRunner.RunAsync("tokenize", "--data-dir", data.Path, "--model", "demo", "a photo of a cat");
        Assert.True(run.ExitCode == 0, run.Error);
        int[] ids = JsonSerializer.Deserialize<int[]>(run.Out)!;
        // Read the ids back through the model's own vocab.json: BPE pieces, "</w>" marking word ends, no BOS/EOS.
        var vocabulary = JsonSerializer.Deserialize<Dictionary<string, int>>(
            File.ReadAllText(Path.Combine(data.Paths.DemoModelDir, "tokenizer", "vocab.json")))!;
        var pieces = vocabulary.ToDictionary(kv => kv.Value, kv => kv.Key);
        Assert.Equal("a photo of a cat ", string.Concat(ids.Select(id => pieces[id])).Replace("</w>", " "));
    }

    [Theory]
    [InlineData("generate", "--prompt", "x", "--bogus")]
    [InlineData("generate", "--width", "64")]
    [InlineData("generate", "--prompt", "x", "--width", "500")]
    [InlineData("generate", "--prompt", "x", "--steps", "many")]
    [InlineData("generate", "--prompt", "x", "--sampler", "No Such Sampler")]
    [InlineData("generate", "--prompt", "x", "--denoising-strength", "0.5")]
    [InlineData("forge", "nonsense")]
    [InlineData("forge", "demo", "--fp16")]
    [InlineData("generat")]
    [InlineData("serve", "stray")]
    [InlineData("--port", "70000")]
    public async Task Bad_usage_gives_exit_code_2_and_a_one_line_error(params string[] args)
    {
        var run = await CliRunner.RunAsync(args);
        Assert.Equal(2, run.ExitCode);
        string error = run.Error.Trim();
        Assert.StartsWith("webui: error: ", error);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public async Task Unknown_model_is_reported_with_exit_code_1()
    {
        var run = await CliRunner.RunAsync("generate", "--data-dir", data.Path, "--model", "no-such-model", "--prompt", "x", "--width", "64", "--height", "64");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no-such-model", run.Error);
    }
}
