using System.Text;

namespace WebUI.Api;

/// <summary>A1111 prompt style (a row of styles.csv).</summary>
public sealed record PromptStyle(string Name, string Prompt, string NegativePrompt);

/// <summary>
/// A1111's <c>styles.csv</c> in the data dir (columns name, prompt, negative_prompt; RFC 4180 quoting) and its
/// way of applying a style: a style text containing <c>{prompt}</c> has it replaced by the prompt, otherwise the style
/// is appended after ", " (empty parts dropped).
/// </summary>
public static class PromptStyles
{
    public const string FileName = "styles.csv";

    /// <summary>The styles in file order; none when the file does not exist. Rows without a name are skipped.</summary>
    public static IReadOnlyList<PromptStyle> Load(string dataDir)
    {
        string path = Path.Combine(dataDir, FileName);
        if (!File.Exists(path)) return [];
        var rows = ParseCsv(File.ReadAllText(path, Encoding.UTF8).TrimStart('\uFEFF'));
        if (rows.Count == 0) return [];
        var header = rows[0].Select(h => h.Trim().ToLowerInvariant()).ToList();
        int name = header.IndexOf("name"), prompt = header.IndexOf("prompt"), negative = header.IndexOf("negative_prompt");
        if (name < 0) return [];
        string Cell(List<string> row, int i) => i >= 0 && i < row.Count ? row[i] : "";
        return rows.Skip(1)
            .Where(r => Cell(r, name).Length > 0)
            .Select(r => new PromptStyle(Cell(r, name), Cell(r, prompt), Cell(r, negative)))
            .ToList();
    }

    /// <summary>A1111's merge_prompts.</summary>
    public static string Merge(string styleText, string prompt)
    {
        if (styleText.Contains("{prompt}", StringComparison.Ordinal)) return styleText.Replace("{prompt}", prompt, StringComparison.Ordinal);
        return string.Join(", ", new[] { prompt.Trim(), styleText.Trim() }.Where(p => p.Length > 0));
    }

    static List<List<string>> ParseCsv(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new StringBuilder();
        bool quoted = false, any = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
                continue;
            }
            switch (c)
            {
                case '"': quoted = true; any = true; break;
                case ',': row.Add(cell.ToString()); cell.Clear(); any = true; break;
                case '\r': break;
                case '\n':
                    if (any || cell.Length > 0) { row.Add(cell.ToString()); rows.Add(row); }
                    row = []; cell.Clear(); any = false;
                    break;
                default: cell.Append(c); any = true; break;
            }
        }
        if (any || cell.Length > 0)
        {
            row.Add(cell.ToString());
            rows.Add(row);
        }
        return rows;
    }
}
