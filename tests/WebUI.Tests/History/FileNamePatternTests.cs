using System.Security.Cryptography;
using System.Text;
using WebUI.History;

namespace WebUI.Tests.History;

public sealed class FileNamePatternTests
{
    static readonly FileNamePattern Pattern = new();

    static FileNameContext Context(string prompt = "a red house, by a lake", int batchSize = 1, int batchIndex = 0) => new()
    {
        Seed = 1234 + batchIndex,
        AllSeeds = [.. Enumerable.Range(0, batchSize).Select(i => 1234L + i)],
        BatchSize = batchSize,
        BatchIndex = batchIndex,
        Steps = 20,
        CfgScale = 7,
        Width = 512,
        Height = 768,
        SamplerName = "DPM++ 2M",
        ScheduleLabel = "Karras",
        ModelName = "v1-5-pruned-emaonly",
        ModelHash = "6ce0161689",
        Prompt = prompt,
        NegativePrompt = "blurry",
        Now = new DateTimeOffset(2024, 7, 27, 12, 34, 56, TimeSpan.Zero),
        JobStarted = new DateTimeOffset(2024, 7, 27, 12, 30, 0, TimeSpan.Zero),
    };

    [Theory]
    [InlineData("[seed]", "1234")]
    [InlineData("[SEED]-[steps]-[cfg]", "1234-20-7")]
    [InlineData("[width]x[height]", "512x768")]
    [InlineData("[seed]-[prompt_spaces]", "1234-a red house, by a lake")]
    [InlineData("[prompt]", "a_red_house,_by_a_lake")]
    [InlineData("[prompt_words]", "a red house by a lake")]
    [InlineData("[model_name]-[model_hash]", "v1-5-pruned-emaonly-6ce0161689")]
    [InlineData("[sampler]", "DPM++ 2M")]
    [InlineData("[sampler_scheduler]", "DPM++ 2M Karras")]
    [InlineData("[scheduler]", "Karras")]
    [InlineData("[date]", "2024-07-27")]
    [InlineData("[datetime]", "20240727123456")]
    [InlineData("[datetime<%Y-%m-%d_%H-%M>]", "2024-07-27_12-34")]
    [InlineData("[job_timestamp]", "20240727123000")]
    [InlineData("x[none]", "x")]
    [InlineData("[styles]", "None")]
    [InlineData("[clip_skip]", "1")]
    [InlineData("[vae_filename]", "NONE")]
    [InlineData("[basename]", "img")]
    [InlineData("[unknown_tag]-[seed]", "[unknown_tag]-1234")]
    [InlineData("[hasprompt<house|nohouse><dog|nodog><cat>]", "housenodog")]
    public void Tags_are_replaced_like_A1111(string pattern, string expected)
    {
        Assert.Equal(expected, Pattern.Apply(pattern, Context()));
    }

    [Fact]
    public void Tags_that_do_not_apply_drop_the_text_before_them()
    {
        Assert.Equal("1234", Pattern.Apply("[seed]-[batch_number]", Context()));
        Assert.Equal("1234", Pattern.Apply("[seed]-[seed_last]-[generation_number]", Context()));
        Assert.Equal("1234", Pattern.Apply("[seed]-[denoising]", Context()));
        Assert.Equal("1235-2-1234-1237", Pattern.Apply("[seed]-[batch_number]-[seed_first]-[seed_last]", Context(batchSize: 4, batchIndex: 1)));
        Assert.Equal("1235-0.75", Pattern.Apply("[seed]-[denoising]", Context(batchSize: 2, batchIndex: 1) with { DenoisingStrength = 0.75 }));
    }

    [Fact]
    public void Unknown_values_stay_literal_and_user_is_filled_when_known()
    {
        Assert.Equal("[user]", Pattern.Apply("[user]", Context()));
        Assert.Equal("alice", Pattern.Apply("[user]", Context() with { User = "alice" }));
        Assert.Equal("7.5", Pattern.Apply("[cfg]", Context() with { CfgScale = 7.5 }));
    }

    [Fact]
    public void Hashes_are_sha256_prefixes()
    {
        string full = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("a red house, by a lake")));
        Assert.Equal(full[..8], Pattern.Apply("[prompt_hash]", Context()));
        Assert.Equal(full[..4], Pattern.Apply("[prompt_hash<4>]", Context()));
        string both = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("a red house, by a lake blurry")));
        Assert.Equal(both[..8], Pattern.Apply("[full_prompt_hash]", Context()));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(new byte[] { 1, 2, 3 }))[..6],
            Pattern.Apply("[image_hash<6>]", Context() with { ImageBytes = () => [1, 2, 3] }));
    }

    [Fact]
    public void Values_are_sanitized_for_file_names()
    {
        Assert.Equal("a_b_c_d_e_f_g_h_i_j", Pattern.Sanitize("a#b<c>d:e\"f/g\\h|i?j"));
        Assert.Equal("cat_ on_a mat", Pattern.Apply("[prompt_spaces]", Context("  cat: on/a mat...  ")));
        Assert.Equal("empty", Pattern.Apply("[prompt_words]", Context("((:))")));
        Assert.Equal(new string('x', 128), new FileNamePattern().Sanitize(new string('x', 300)));
        Assert.Equal("one two", new FileNamePattern(maxPromptWords: 2).Apply("[prompt_words]", Context("one, two, three")));
    }

    [Theory]
    [InlineData("%Y%m%d%H%M%S", "20240105090807")]
    [InlineData("%y-%-m-%-d %I%p", "24-1-5 09AM")]
    [InlineData("%a %A %b %B %j %%", "Fri Friday Jan January 005 %")]
    [InlineData("%c", "Fri Jan  5 09:08:07 2024")]
    [InlineData("%Q", "%Q")]
    public void Strftime_matches_python(string format, string expected)
    {
        var t = new DateTimeOffset(2024, 1, 5, 9, 8, 7, TimeSpan.Zero);
        Assert.Equal(expected, PythonStrftime.Format(t, format));
    }
}
