using System.Globalization;
using WebUI.Cli;

// A1111 numbers are written with '.' everywhere (infotext, CLI flags); never let the machine's locale change that.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;

return await WebUICommandLine.InvokeAsync(args);

/// <summary>Entry point class; public so WebApplicationFactory&lt;Program&gt; can find the host.</summary>
public partial class Program { }
