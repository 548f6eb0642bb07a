using WebUI.History;
using WebUI.Tests.Support;

namespace WebUI.Tests.History;

public sealed class OutputWriterTests
{
    [Fact]
    public void Sequence_starts_at_zero_and_follows_the_largest_leading_number()
    {
        using var dir = new TempDirectory();
        Assert.Equal(0, OutputWriter.NextSequenceNumber(dir.Combine("missing")));
        Assert.Equal(0, OutputWriter.NextSequenceNumber(dir.Path));
        foreach (string name in new[] { "00003-123.png", "00010-9.png", "notes.txt", "grid-0042.png", "00007.png" })
            File.WriteAllText(dir.Combine(name), "");
        Assert.Equal(11, OutputWriter.NextSequenceNumber(dir.Path));
    }

    [Fact]
    public void Numbered_saves_are_named_like_A1111_and_never_overwrite()
    {
        using var dir = new TempDirectory();
        string a = OutputWriter.SaveNumbered(dir.Path, 1234567890, [1]);
        string b = OutputWriter.SaveNumbered(dir.Path, 1234567890, [2]);
        Assert.Equal(dir.Combine("00000-1234567890.png"), a);
        Assert.Equal(dir.Combine("00001-1234567890.png"), b);
        Assert.Equal([1], File.ReadAllBytes(a));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public void Indexed_file_names_keep_the_first_as_given()
    {
        Assert.Equal("/x/out.png", OutputWriter.IndexedFileName("/x/out.png", 0));
        Assert.Equal("/x/out-2.png", OutputWriter.IndexedFileName("/x/out.png", 2));
    }
}
