using WebUI.Diffusion.Text;

namespace WebUI.Diffusion.Tests.Text;

/// <summary>Python string semantics the CLIP tokenizer and A1111's regexes depend on (expected: CPython 3.11).</summary>
public class PythonTextTests
{
    [Theory]
    [InlineData("\u039f\u0394\u039f\u03a3", "\u03bf\u03b4\u03bf\u03c2")]
    [InlineData("\u03a3\u0391\u03a3", "\u03c3\u03b1\u03c2")]
    [InlineData("A\u03a3\u216b", "a\u03c3\u217b")]             // Roman numeral Ⅻ is cased: Σ is not final
    [InlineData("A\u03a3.", "a\u03c2.")]
    [InlineData("A\u03a3.b", "a\u03c3.b")]                      // '.' is case-ignorable, 'b' follows
    [InlineData("A\u03a3\u2018b", "a\u03c3\u2018b")]
    [InlineData("a\u03a3\u0301", "a\u03c2\u0301")]
    [InlineData("\u03a3", "\u03c3")]
    [InlineData("\u00aa\u03a3", "\u00aa\u03c2")]               // ª is cased without a case mapping
    [InlineData("1\u03a3", "1\u03c3")]
    [InlineData("\u03a3\u03a3", "\u03c3\u03c2")]
    [InlineData("\u0130I", "i\u0307i")]
    [InlineData("\u01c5", "\u01c6")]
    [InlineData("\u0391\u03a3\ud83d\udc09", "\u03b1\u03c2\ud83d\udc09")]
    [InlineData("A\u03a3\ud83c\udd30", "a\u03c3\ud83c\udd30")]  // squared Latin A (outside the BMP) is cased
    public void Lower_matches_python(string input, string expected)
    {
        Assert.Equal(expected, PythonText.Lower(input));
    }

    [Fact]
    public void Space_and_word_classes_match_python()
    {
        Assert.True(PythonText.IsSpace('\x1c'));   // str.isspace, unlike char.IsWhiteSpace
        Assert.True(PythonText.IsSpace('\u3000'));
        Assert.False(PythonText.IsSpace('\u200b'));
        Assert.True(PythonText.IsWordChar('\u00b2')); // ² is numeric: \w in Python
        Assert.False(PythonText.IsWordChar('\u0301')); // combining marks are not
        Assert.True(PythonText.IsWordChar('_'));
    }

    [Theory]
    [InlineData("1.5", 1.5)]
    [InlineData(".5", 0.5)]
    [InlineData("1.", 1.0)]
    [InlineData("-2", -2.0)]
    [InlineData("\u0661\u0662", 12.0)] // Arabic-Indic digits, as float() accepts
    public void Float_parses_like_python(string text, double expected)
    {
        Assert.True(PythonText.TryParseFloat(text, out double v));
        Assert.Equal(expected, v);
    }

    [Theory]
    [InlineData("1.2.3")]
    [InlineData(".")]
    [InlineData("")]
    [InlineData("1,5")]
    public void Float_rejects_what_python_rejects(string text)
    {
        Assert.False(PythonText.TryParseFloat(text, out _));
    }
}
