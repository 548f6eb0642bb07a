using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using WebUI.Tests.Support;

namespace WebUI.Tests.Web;

/// <summary>The real host (Program → `webui` root command → web app) on a temporary data dir.</summary>
public sealed class WebUIFactory : WebApplicationFactory<Program>
{
    readonly TempDirectory _data = new("webui-web");

    public string DataDir => _data.Path;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // UseSetting reaches the app as a --key=value argument, before Program reads its settings.
        builder.UseSetting("WebUI:DataDir", _data.Path);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _data.Dispose();
    }
}
