using System.Text;

namespace WebUI.Diffusion.Imaging;

/// <summary>A1111's PNG Info: what <c>POST /sdapi/v1/png-info</c> answers for an image file.</summary>
public static class PngInfo
{
    /// <summary>
    /// The route's JSON body, byte-for-byte as FastAPI renders it (compact separators, non-ASCII literal):
    /// <c>{"info": geninfo or "", "items": {other info entries}, "parameters": parse_generation_parameters(info)}</c>.
    /// As in A1111, <c>items</c> holds the image's remaining text entries (<c>parameters</c> itself is popped out of it)
    /// and <c>parameters</c> keeps A1111's value types (parsed values are strings; defaults like
    /// <c>"Masked area padding": 32</c> are numbers, <c>"Refiner switch by sampling steps": false</c> a boolean).
    /// </summary>
    /// <exception cref="ImageInputException">The bytes are not a readable image file.</exception>
    public static string ToA1111Json(byte[] file)
    {
        var meta = MetadataReader.Read(file);
        string info = meta.Parameters ?? "";
        var parsed = Infotext.Parse(info);

        var sb = new StringBuilder(info.Length * 2 + 1024);
        sb.Append("{\"info\":");
        PythonText.AppendJsonString(sb, info);
        sb.Append(",\"items\":{");
        bool first = true;
        foreach (var (key, value) in meta.Items)
        {
            if (!first) sb.Append(',');
            first = false;
            PythonText.AppendJsonString(sb, key);
            sb.Append(':');
            PythonText.AppendJsonString(sb, value);
        }
        sb.Append("},\"parameters\":{");
        first = true;
        foreach (var (key, value) in parsed.Values)
        {
            if (!first) sb.Append(',');
            first = false;
            PythonText.AppendJsonString(sb, key);
            sb.Append(':');
            switch (value)
            {
                case bool b: sb.Append(b ? "true" : "false"); break;
                case long l: sb.Append(l.ToString(System.Globalization.CultureInfo.InvariantCulture)); break;
                default: PythonText.AppendJsonString(sb, PythonText.Str(value)); break;
            }
        }
        sb.Append("}}");
        return sb.ToString();
    }
}
