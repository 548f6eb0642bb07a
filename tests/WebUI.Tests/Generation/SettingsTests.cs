using WebUI.Hosting;
using WebUI.Tests.Support;

namespace WebUI.Tests.Generation;

public sealed class SettingsTests
{
    [Fact]
    public void Shipped_appsettings_gives_A1111_defaults_and_cli_flags_override_them()
    {
        var shipped = SettingsLoader.LoadForCli(new Dictionary<string, string?>());
        Assert.Equal(7860, shipped.Port);
        Assert.False(shipped.Listen);
        Assert.Equal("data", shipped.DataDir);
        Assert.Equal("Auto", shipped.ExecutionProvider);

        var overridden = SettingsLoader.LoadForCli(SettingsLoader.Overrides(dataDir: "/tmp/elsewhere", port: 7999, listen: true));
        Assert.Equal("/tmp/elsewhere", overridden.DataDir);
        Assert.Equal(7999, overridden.Port);
        Assert.True(overridden.Listen);
    }

    [Fact]
    public void Paths_follow_A1111s_data_dir_layout()
    {
        using var cwd = new TempDirectory();
        var paths = WebUIPaths.From(new WebUISettings(), cwd.Path);
        Assert.Equal(cwd.Combine("data"), paths.DataDir);
        Assert.Equal(cwd.Combine("data", "models", "Stable-diffusion", "demo"), paths.DemoModelDir);
        Assert.Equal(cwd.Combine("data", "outputs", "txt2img-images"), paths.Txt2ImgDir);
        Assert.Equal(cwd.Combine("data", "outputs", "img2img-images"), paths.Img2ImgDir);
        Assert.Equal(cwd.Combine("data", "params.txt"), paths.ParamsFile);
    }

    [Fact]
    public void Bad_port_setting_is_refused_with_its_name()
    {
        var e = Assert.Throws<ArgumentException>(() => SettingsLoader.LoadForCli(SettingsLoader.Overrides(port: 0)));
        Assert.Contains("WebUI:Port", e.Message);
    }
}
