using System.Net;
using Microsoft.Extensions.DependencyInjection;
using WebUI.Api;
using WebUI.Cli;
using WebUI.Queue;

namespace WebUI.Tests.Api;

public sealed class ApiAuthTests(AuthApiFactory factory) : IClassFixture<AuthApiFactory>
{
    [Fact]
    public async Task Sdapi_needs_basic_credentials_and_answers_401_with_a_challenge()
    {
        using var client = factory.CreateClient();
        foreach (var header in new[] { null, ApiHttp.Basic("alice", "wrong"), ApiHttp.Basic("mallory", "secret") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/sdapi/v1/samplers") { Headers = { Authorization = header } };
            var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
            Assert.Equal("Incorrect username or password", (await ApiHttp.ReadJson(response)).GetProperty("detail").GetString());
        }

        client.DefaultRequestHeaders.Authorization = ApiHttp.Basic("bob", "pa:ss"); // a password may hold ':'
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/sdapi/v1/samplers")).StatusCode);

        using var open = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await open.GetAsync("/openapi.json")).StatusCode); // docs stay open
        Assert.Equal(HttpStatusCode.OK, (await open.GetAsync("/docs/index.html")).StatusCode);
        Assert.Equal("<hidden>", (await ApiHttp.ReadJson(await client.GetAsync("/sdapi/v1/cmd-flags"))).GetProperty("api_auth").GetString());
    }

    [Fact]
    public async Task Jobs_are_owned_by_the_authenticated_user()
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = ApiHttp.Basic("alice", "secret");
        var queue = factory.Services.GetRequiredService<IJobQueue>();
        var owners = new List<JobOwner>();
        void OnChange(QueueEvent e)
        {
            if (e.Kind == "added" && queue.Get(e.JobId) is { } job) lock (owners) owners.Add(job.Owner);
        }
        queue.Changed += OnChange;
        try
        {
            var response = await client.PostAsync("/sdapi/v1/txt2img", ApiHttp.Json("""{"steps": 1, "width": 64, "height": 64}"""));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            queue.Changed -= OnChange;
        }
        var owner = Assert.Single(owners);
        Assert.Equal(new JobOwner("api:alice", "alice", JobSource.Api), owner);
    }

    [Fact]
    public async Task Server_control_routes_exist_with_the_flag()
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = ApiHttp.Basic("alice", "secret");
        Assert.Equal(HttpStatusCode.NotImplemented, (await client.PostAsync("/sdapi/v1/server-restart", null)).StatusCode);
    }

    [Fact]
    public void Credentials_parse_like_A1111_and_refuse_entries_without_a_password()
    {
        var credentials = ApiCredentials.Parse("alice:secret, bob:pa:ss");
        Assert.True(credentials.Verify("alice", "secret"));
        Assert.True(credentials.Verify("bob", "pa:ss"));
        Assert.False(credentials.Verify("alice", "Secret"));
        Assert.False(credentials.Verify("carol", ""));
        Assert.False(ApiCredentials.Parse("").Enabled);
        Assert.Throws<ArgumentException>(() => ApiCredentials.Parse("alice"));
        Assert.Throws<ArgumentException>(() => ApiCredentials.Parse("alice:"));
    }

    [Fact]
    public void Owner_without_auth_is_the_address_and_user_agent_product()
    {
        Assert.Equal("python-requests", ApiCaller.ProductName("python-requests/2.31.0"));
        Assert.Equal("Mozilla", ApiCaller.ProductName("Mozilla/5.0 (X11; Linux x86_64)"));
        Assert.Equal("API client", ApiCaller.ProductName(""));
    }

    [Fact]
    public async Task Serve_refuses_a_malformed_api_auth_flag_as_a_usage_error()
    {
        var error = new StringWriter();
        int code = await WebUICommandLine.InvokeAsync(["serve", "--api-auth", "nobody"], new CliContext(new StringWriter(), error));
        Assert.Equal(WebUICommandLine.Usage, code);
        Assert.Contains("user:password", error.ToString());
    }
}
