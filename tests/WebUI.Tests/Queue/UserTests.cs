using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using WebUI.Storage;
using WebUI.Tests.Web;
using WebUI.Users;

namespace WebUI.Tests.Queue;

public sealed class UserTests(WebUIFactory factory) : IClassFixture<WebUIFactory>, IDisposable
{
    readonly QueueTestKit kit = new();

    [Fact]
    public async Task The_first_page_load_sets_a_year_long_HttpOnly_SameSite_Lax_user_cookie_and_keeps_it()
    {
        using var client = factory.CreateClient(new() { HandleCookies = false });
        var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Accept.ParseAdd("text/html");
        var response = await client.SendAsync(request);
        var cookie = SetCookieHeaderValue.ParseList(response.Headers.GetValues("Set-Cookie").ToList())
            .Single(c => c.Name == UserCookie.Name);

        Assert.True(UserCookie.IsValid(cookie.Value.Value));
        Assert.True(cookie.HttpOnly);
        Assert.Equal(Microsoft.Net.Http.Headers.SameSiteMode.Lax, cookie.SameSite);
        Assert.Equal("/", cookie.Path.Value);
        Assert.InRange(cookie.MaxAge!.Value.TotalDays, 364.9, 365.1);
        Assert.InRange((cookie.Expires!.Value - DateTimeOffset.UtcNow).TotalDays, 364, 366);

        // Coming back with it: the same id is confirmed, never replaced.
        var again = new HttpRequestMessage(HttpMethod.Get, "/");
        again.Headers.Accept.ParseAdd("text/html");
        again.Headers.Add("Cookie", $"{UserCookie.Name}={cookie.Value.Value}");
        var second = await client.SendAsync(again);
        var refreshed = SetCookieHeaderValue.ParseList(second.Headers.GetValues("Set-Cookie").ToList()).Single(c => c.Name == UserCookie.Name);
        Assert.Equal(cookie.Value.Value, refreshed.Value.Value);

        // A forged or malformed id is replaced by a fresh one.
        var forged = new HttpRequestMessage(HttpMethod.Get, "/favicon.svg");
        forged.Headers.Add("Cookie", $"{UserCookie.Name}=../../etc");
        var third = await client.SendAsync(forged);
        var fresh = SetCookieHeaderValue.ParseList(third.Headers.GetValues("Set-Cookie").ToList()).Single(c => c.Name == UserCookie.Name);
        Assert.True(UserCookie.IsValid(fresh.Value.Value));
    }

    [Fact]
    public void Display_names_are_stored_per_user_and_survive_a_restart()
    {
        string id = UserCookie.NewId();
        using (var db = new AppDatabase(kit.DatabasePath))
        {
            var users = new UserStore(db);
            Assert.Equal("User " + id[..4], users.DisplayNameOf(id));
            Assert.Equal("Ada", users.SetDisplayName(id, "  Ada  "));
            Assert.Throws<ArgumentException>(() => users.SetDisplayName(id, " "));
            Assert.Throws<ArgumentException>(() => users.SetDisplayName(id, new string('x', 41)));
            Assert.Throws<ArgumentException>(() => users.SetDisplayName(id, "a\nb"));
        }
        using var reopened = new AppDatabase(kit.DatabasePath);
        Assert.Equal("Ada", new UserStore(reopened).DisplayNameOf(id));
    }

    [Fact]
    public void CurrentUser_takes_the_id_of_the_request_that_opened_the_circuit()
    {
        using var db = new AppDatabase(kit.DatabasePath);
        var users = new UserStore(db);
        string id = UserCookie.NewId();
        var context = new DefaultHttpContext();
        context.Request.Headers.Cookie = $"{UserCookie.Name}={id}";
        var accessor = new HttpContextAccessor { HttpContext = context };

        var user = new CurrentUser(users, accessor);
        Assert.Equal(id, user.UserId);
        accessor.HttpContext = null; // later in the circuit there is no request at hand: the id stays
        Assert.Equal(id, user.UserId);
        user.SetDisplayName("Grace");
        Assert.Equal(new WebUI.Queue.JobOwner(id, "Grace", WebUI.Queue.JobSource.Ui), user.Owner());

        Assert.Equal(CurrentUser.LocalUserId, new CurrentUser(users).UserId);
    }

    public void Dispose() => kit.Dispose();
}
