using WebUI.Diffusion.Text;

namespace WebUI.Diffusion.Tests.Text;

public class HtmlUnescapeTests
{
    // Expected strings are Python 3.11 html.unescape results.
    [Theory]
    [InlineData("no entities", "no entities")]
    [InlineData("a &amp; b", "a & b")]
    [InlineData("&amp;amp;", "&amp;")]
    [InlineData("&lt;3&gt", "<3>")]
    [InlineData("&notit; &notin;", "¬it; ∉")]
    [InlineData("&copy2024", "©2024")]
    [InlineData("&#65;&#x42;&#X43", "ABC")]
    [InlineData("&#0;&#13;&#150;&#x80;", "\uFFFD\r–€")]
    [InlineData("&#1;&#xFFFF;&#xD800;&#99999999999999999999;", "\uFFFD\uFFFD")]
    [InlineData("&#128009;", "🐉")]
    [InlineData("& &; &# &#x; &unknownname;", "& &; &# &#x; &unknownname;")]
    [InlineData("&NotNestedGreaterGreater;", "\u2AA2\u0338")]
    public void Matches_python_html_unescape(string input, string expected)
    {
        Assert.Equal(expected, HtmlUnescape.Unescape(input));
    }
}
