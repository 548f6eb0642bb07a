using WebUI.Cli;

namespace WebUI.Tests.Cli;

public sealed class ServeArgumentsTests
{
    [Fact]
    public void Only_key_value_settings_pass_through_to_the_web_host()
    {
        Assert.Equal(["--urls=http://127.0.0.1:5001", "--WebUI:IntraOpThreads=2"],
            ServeVerb.HostArguments(["--urls=http://127.0.0.1:5001", "--WebUI:IntraOpThreads=2"]));
        Assert.Throws<UsageException>(() => ServeVerb.HostArguments(["stray"]));
        Assert.Throws<UsageException>(() => ServeVerb.HostArguments(["--flag"]));
    }
}
