using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using WebUI.Components.State;
using WebUI.Settings;

namespace WebUI.Tests.Web;

public sealed class InterfaceEndpointTests(WebUIFactory factory) : IClassFixture<WebUIFactory>
{
    HttpClient Client() => factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    [Fact]
    public async Task The_language_switch_sets_a_cookie_and_the_page_is_then_served_in_Chinese()
    {
        using var client = Client();
        var response = await client.GetAsync("/culture?lang=zh-CN&redirect=%2F");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        string cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Culture="));
        Assert.Contains("zh-CN", Uri.UnescapeDataString(cookie));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Cookie", cookie.Split(';')[0]);
        // Prerendered text is HTML-encoded (non-ASCII as character references).
        string html = WebUtility.HtmlDecode(await (await client.SendAsync(request)).Content.ReadAsStringAsync());
        Assert.Contains("<html lang=\"zh-CN\">", html);
        Assert.Contains("提示词", html);
        Assert.Contains(">生成<", html.Replace(" ", "").Replace("\n", ""));

        string english = await client.GetStringAsync("/");
        Assert.Contains("<html lang=\"en\">", english);
        Assert.Contains("Generate", english);
    }

    [Theory]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example")]
    [InlineData("https://evil.example/")]
    public async Task The_language_switch_only_redirects_within_the_site(string target)
    {
        using var client = Client();
        var response = await client.GetAsync("/culture?lang=en&redirect=" + Uri.EscapeDataString(target));
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task An_unknown_language_is_refused_with_the_supported_ones()
    {
        using var client = Client();
        var response = await client.GetAsync("/culture?lang=fr");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("en, zh-CN", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Scratch_pictures_are_served_by_id_with_their_real_type_only()
    {
        using var client = Client();
        var store = factory.Services.GetRequiredService<ScratchImageStore>();
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0];
        string url = store.Add(png, ScratchImageStore.ContentTypeOf(png));
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(png, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/scratch/" + Guid.NewGuid().ToString("N"))).StatusCode);
    }

    [Fact]
    public async Task The_installation_default_language_applies_to_browsers_without_a_cookie()
    {
        using var client = Client();
        await client.GetAsync("/"); // starts the host
        var store = factory.Services.GetRequiredService<InstallationSettingsStore>();
        var before = store.Current;
        try
        {
            store.Save(before with { Language = "zh-CN" });
            Assert.Contains("<html lang=\"zh-CN\">", await client.GetStringAsync("/"));
        }
        finally
        {
            store.Save(before);
        }
        Assert.Contains("<html lang=\"en\">", await client.GetStringAsync("/"));
    }
}
