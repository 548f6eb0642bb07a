using System.Security.Cryptography;
using System.Text;

namespace WebUI.Api;

/// <summary>
/// The users of <c>--api-auth "user1:pass1,user2:pass2"</c>, parsed as A1111 parses it (split on ',' then on the
/// first ':'; here a password may contain ':' too). Empty means the API is open.
/// </summary>
public sealed class ApiCredentials
{
    readonly Dictionary<string, byte[]> _passwordHashes;

    ApiCredentials(Dictionary<string, byte[]> passwordHashes) => _passwordHashes = passwordHashes;

    public static ApiCredentials None { get; } = new([]);

    public bool Enabled => _passwordHashes.Count > 0;

    public IReadOnlyCollection<string> Users => _passwordHashes.Keys;

    /// <summary>Parses the flag's value; ArgumentException for an entry without "user:password".</summary>
    public static ApiCredentials Parse(string? spec)
    {
        var users = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(spec)) return None;
        foreach (string entry in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int colon = entry.IndexOf(':');
            if (colon <= 0 || colon == entry.Length - 1)
                throw new ArgumentException($"--api-auth entries must be user:password; got '{(colon <= 0 ? entry : entry[..colon] + ":")}'.");
            users[entry[..colon]] = Hash(entry[(colon + 1)..]);
        }
        return new ApiCredentials(users);
    }

    /// <summary>Checks a user/password pair in time independent of where a wrong password differs.</summary>
    public bool Verify(string user, string password)
    {
        // Hash first so the comparison has a fixed length; an unknown user still costs one comparison.
        byte[] given = Hash(password);
        bool known = _passwordHashes.TryGetValue(user, out byte[]? expected);
        bool same = CryptographicOperations.FixedTimeEquals(given, expected ?? new byte[given.Length]);
        return known && same;
    }

    static byte[] Hash(string password) => SHA256.HashData(Encoding.UTF8.GetBytes(password));
}

/// <summary>
/// HTTP Basic auth on /sdapi only (the page, /docs and /openapi.json stay open, as in A1111). A missing or wrong
/// header gets 401 with <c>WWW-Authenticate: Basic</c> and A1111's detail "Incorrect username or password".
/// Also stamps every /sdapi response with A1111's <c>X-Process-Time</c> header.
/// </summary>
sealed class ApiAuthMiddleware(RequestDelegate next, ApiCredentials credentials)
{
    public const string PathPrefix = "/sdapi";

    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments(PathPrefix, StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        context.Response.OnStarting(() =>
        {
            double seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
            context.Response.Headers["X-Process-Time"] = seconds.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        });
        if (credentials.Enabled)
        {
            if (ReadBasic(context.Request.Headers.Authorization.ToString()) is not var (user, password) || !credentials.Verify(user, password))
            {
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"WebUI API\", charset=\"UTF-8\"";
                await ApiResponses.Json(ApiResponses.Ordered(("detail", "Incorrect username or password")), StatusCodes.Status401Unauthorized)
                    .ExecuteAsync(context);
                return;
            }
            context.Items[ApiCaller.UserItemKey] = user;
        }
        await next(context);
    }

    static (string User, string Password)? ReadBasic(string header)
    {
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return null;
        try
        {
            string decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            int colon = decoded.IndexOf(':');
            return colon < 0 ? null : (decoded[..colon], decoded[(colon + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
