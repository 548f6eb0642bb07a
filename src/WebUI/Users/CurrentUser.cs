using Microsoft.AspNetCore.Components.Server.Circuits;
using WebUI.Queue;

namespace WebUI.Users;

/// <summary>
/// Who is using this Blazor circuit (scoped). The id is read from the user cookie of the request that opened the
/// circuit — the prerendering request, or the circuit's own connection request at connect time
/// (<see cref="CurrentUserCircuitHandler"/>) — and never changes for the circuit. Without any HTTP request (tests,
/// a circuit without cookies) it is the shared "local" user.
/// </summary>
public sealed class CurrentUser(UserStore users, IHttpContextAccessor? http = null)
{
    public const string LocalUserId = "local";
    string? _id;

    public string UserId => _id ??= UserCookie.Read(http?.HttpContext) ?? LocalUserId;

    public string DisplayName => users.DisplayNameOf(UserId);

    /// <summary>The owner to put on jobs this user enqueues.</summary>
    public JobOwner Owner(JobSource source = JobSource.Ui) => new(UserId, DisplayName, source);

    /// <summary>Renames the user (see <see cref="UserStore.SetDisplayName"/>).</summary>
    public string SetDisplayName(string name) => users.SetDisplayName(UserId, name);

    /// <summary>Fixes the id from the request that opened the circuit (idempotent; the first known id wins).</summary>
    public void Capture(HttpContext? context)
    {
        if (_id is null && UserCookie.Read(context) is { } id) _id = id;
    }

    /// <summary>
    /// Fixes the id from a value the component tree carried over from the prerendering request (a cascading value or
    /// persisted component state), for circuits whose connection request is not at hand. Ignored once the id is known
    /// or when <paramref name="userId"/> is not an id we issue.
    /// </summary>
    public void Use(string? userId)
    {
        if (_id is null && UserCookie.IsValid(userId)) _id = userId;
    }
}

/// <summary>Reads the user cookie while the circuit's connection request is still at hand.</summary>
public sealed class CurrentUserCircuitHandler(CurrentUser user, IHttpContextAccessor http) : CircuitHandler
{
    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        user.Capture(http.HttpContext);
        return Task.CompletedTask;
    }

    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        user.Capture(http.HttpContext);
        return Task.CompletedTask;
    }
}
