using System.Globalization;
using System.Text;

namespace WebUI.History;

/// <summary>
/// Python's <c>datetime.strftime</c> for the [datetime&lt;format&gt;] tag, with the C locale's names (A1111 runs with it).
/// Unknown directives are copied as written, like glibc does.
/// </summary>
public static class PythonStrftime
{
    static readonly string[] Days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
    static readonly string[] Months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    /// <summary>The formatted time, or null when the format ends in a lone '%' (Python raises ValueError there).</summary>
    public static string? Format(DateTimeOffset t, string format)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder(format.Length * 2);
        for (int i = 0; i < format.Length; i++)
        {
            char ch = format[i];
            if (ch != '%')
            {
                sb.Append(ch);
                continue;
            }
            if (++i >= format.Length) return null;
            char d = format[i];
            bool noPad = false;
            if (d == '-' && i + 1 < format.Length) // glibc's %-d etc.
            {
                noPad = true;
                d = format[++i];
            }
            string Two(int v) => noPad ? v.ToString(c) : v.ToString("00", c);
            switch (d)
            {
                case 'Y': sb.Append(t.Year.ToString(c)); break;
                case 'y': sb.Append(Two(t.Year % 100)); break;
                case 'm': sb.Append(Two(t.Month)); break;
                case 'd': sb.Append(Two(t.Day)); break;
                case 'H': sb.Append(Two(t.Hour)); break;
                case 'I': sb.Append(Two(t.Hour % 12 == 0 ? 12 : t.Hour % 12)); break;
                case 'M': sb.Append(Two(t.Minute)); break;
                case 'S': sb.Append(Two(t.Second)); break;
                case 'f': sb.Append((t.Ticks % TimeSpan.TicksPerSecond / 10).ToString("000000", c)); break;
                case 'p': sb.Append(t.Hour < 12 ? "AM" : "PM"); break;
                case 'a': sb.Append(Days[(int)t.DayOfWeek][..3]); break;
                case 'A': sb.Append(Days[(int)t.DayOfWeek]); break;
                case 'w': sb.Append(((int)t.DayOfWeek).ToString(c)); break;
                case 'b' or 'h': sb.Append(Months[t.Month - 1][..3]); break;
                case 'B': sb.Append(Months[t.Month - 1]); break;
                case 'j': sb.Append(noPad ? t.DayOfYear.ToString(c) : t.DayOfYear.ToString("000", c)); break;
                case 'U': sb.Append(Two((t.DayOfYear + 6 - (int)t.DayOfWeek) / 7)); break;
                case 'W': sb.Append(Two((t.DayOfYear + 6 - ((int)t.DayOfWeek + 6) % 7) / 7)); break;
                case 'z':
                {
                    var off = t.Offset;
                    sb.Append(off < TimeSpan.Zero ? '-' : '+').Append(Math.Abs(off.Hours).ToString("00", c)).Append(Math.Abs(off.Minutes).ToString("00", c));
                    break;
                }
                // Python prints the zone's abbreviation ("CET"); .NET has no portable source for it, the offset is unambiguous.
                case 'Z': sb.Append(t.Offset == TimeSpan.Zero ? "UTC" : Format(t, "UTC%z")); break;
                case 'e': sb.Append(t.Day.ToString(c).PadLeft(noPad ? 1 : 2)); break;
                case 'c': sb.Append(Format(t, "%a %b %e %H:%M:%S %Y")); break;
                case 'x': sb.Append(Format(t, "%m/%d/%y")); break;
                case 'X': sb.Append(Format(t, "%H:%M:%S")); break;
                case 'F': sb.Append(Format(t, "%Y-%m-%d")); break;
                case 'T': sb.Append(Format(t, "%H:%M:%S")); break;
                case '%': sb.Append('%'); break;
                default: sb.Append('%'); if (noPad) sb.Append('-'); sb.Append(d); break;
            }
        }
        return sb.ToString();
    }
}
