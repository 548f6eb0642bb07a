using WebUI.ModelForge.Tests.Architectures;
using static WebUI.ModelForge.Tests.Families.FamilyIo;

namespace WebUI.ModelForge.Tests.Families;

/// <summary>SDXL-Turbo and SD-Turbo: marked as turbo by name and scheduler (ancestral Euler, trailing spacing), runnable.</summary>
[Collection(TinyFamiliesCollection.Name)]
public sealed class TurboTests(TinyFamilies families)
{
    public static TheoryData<string> Kinds => new("sdxl-turbo", "sd-turbo");

    string Dir(string kind) => kind == "sdxl-turbo" ? families.SdxlTurbo() : families.SdTurbo();

    [Theory]
    [MemberData(nameof(Kinds))]
    public void SchedulerAndIndexMarkATurboModel(string kind)
    {
        var dir = Dir(kind);
        var scheduler = Json(dir, "scheduler/scheduler_config.json");
        Assert.Equal("EulerAncestralDiscreteScheduler", scheduler.GetProperty("_class_name").GetString());
        Assert.Equal("trailing", scheduler.GetProperty("timestep_spacing").GetString());
        Assert.Equal("epsilon", scheduler.GetProperty("prediction_type").GetString());
        Assert.Equal($"stabilityai/{kind}", Json(dir, "model_index.json").GetProperty("_name_or_path").GetString());
        Assert.Equal(64, Json(dir, "unet/config.json").GetProperty("sample_size").GetInt32()); // 512 px
    }

    [Fact]
    public void SdxlTurboHasTheSdxlInterface()
    {
        var dir = families.SdxlTurbo();
        Assert.True(Directory.Exists(Path.Combine(dir, "text_encoder_2")));
        using var unet = Open(dir, "unet");
        Assert.Equal(6, unet.InputMetadata["time_ids"].Dimensions[1]);
        Assert.Equal(96, unet.InputMetadata["encoder_hidden_states"].Dimensions[2]);
        foreach (int batch in (int[])[1, 2])
        {
            var result = new UnetInputs(batch).Run(unet);
            Assert.Equal([batch, 4, 8, 8], result.Shape);
            DialectIoTests.AssertFiniteAndBounded(result.Data, 100);
        }
    }

    [Fact]
    public void SdTurboIsSd21Shaped()
    {
        var dir = families.SdTurbo();
        Assert.Equal("!", Json(dir, "tokenizer/special_tokens_map.json").GetProperty("pad_token").GetString());
        Assert.Equal(64, Json(dir, "unet/config.json").GetProperty("cross_attention_dim").GetInt32());
        Assert.True(Json(dir, "unet/config.json").GetProperty("use_linear_projection").GetBoolean());
        Assert.False(Directory.Exists(Path.Combine(dir, "text_encoder_2")));
        using var te = Open(dir, "text_encoder");
        using var unet = Open(dir, "unet");
        Assert.Equal(["encoder_hidden_states", "sample", "timestep"], unet.InputMetadata.Keys.Order());
        foreach (int batch in (int[])[1, 2])
        {
            var states = Encode(te, dir, batch, pad: 0)["last_hidden_state"];
            Assert.Equal([batch, 77, 64], states.Shape);
            var result = new UnetInputs(batch).Run(unet);
            Assert.Equal([batch, 4, 8, 8], result.Shape);
            DialectIoTests.AssertFiniteAndBounded(result.Data, 100);
        }
    }
}
