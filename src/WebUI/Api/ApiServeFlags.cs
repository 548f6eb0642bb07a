using System.CommandLine;

namespace WebUI.Api;

/// <summary>
/// The API's `webui serve` flags, A1111's names: <c>--api-auth user:pass[,user2:pass2]</c> and
/// <c>--api-server-stop</c>. They become host settings (WebUI:ApiAuth, WebUI:ApiServerStop), so appsettings.json
/// and environment variables can set them too.
/// </summary>
public sealed class ApiServeFlags
{
    readonly Option<string?> _auth = new("--api-auth") { Description = "HTTP basic credentials for /sdapi: user:pass[,user2:pass2]" };
    readonly Option<bool> _serverStop = new("--api-server-stop") { Description = "Enable /sdapi/v1/server-kill, server-restart and server-stop" };

    public static ApiServeFlags AddTo(Command command)
    {
        var flags = new ApiServeFlags();
        command.Add(flags._auth);
        command.Add(flags._serverStop);
        return flags;
    }

    /// <summary>The flags given, as --key=value host arguments (validated: a bad --api-auth is a usage error).</summary>
    public IEnumerable<string> HostArguments(ParseResult parse)
    {
        if (parse.GetValue(_auth) is { } auth)
        {
            try { ApiCredentials.Parse(auth); } // fail now, as a usage error, rather than when the host starts
            catch (ArgumentException e) { throw new WebUI.Cli.UsageException(e.Message); }
            yield return $"--WebUI:ApiAuth={auth}";
        }
        if (parse.GetValue(_serverStop)) yield return "--WebUI:ApiServerStop=true";
    }
}
