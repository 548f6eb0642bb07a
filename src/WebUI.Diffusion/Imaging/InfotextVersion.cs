using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;

namespace WebUI.Diffusion.Imaging;

/// <summary>
/// The <c>Version</c> infotext value as A1111's <c>infotext_versions.parse_version</c> reads it: the text up to the
/// second '-' parsed as a PEP 440 version ("v1.7.0-225" = 1.7.0.post225), null when it is not one
/// (e.g. Forge's "f2.0.1v1.10.1-previous-…"). Used for the back-compat flags and the hires-prompt rule.
/// </summary>
internal sealed partial class InfotextVersion : IComparable<InfotextVersion>
{
    readonly BigInteger _epoch;
    readonly BigInteger[] _release;
    readonly (int Kind, BigInteger Number)? _pre; // kind 0 = a, 1 = b, 2 = rc
    readonly BigInteger? _post;
    readonly BigInteger? _dev;

    InfotextVersion(BigInteger epoch, BigInteger[] release, (int, BigInteger)? pre, BigInteger? post, BigInteger? dev)
    {
        _epoch = epoch;
        int n = release.Length;
        while (n > 1 && release[n - 1].IsZero) n--; // 1.6 == 1.6.0
        _release = release[..n];
        _pre = pre; _post = post; _dev = dev;
    }

    [GeneratedRegex(@"^([^-]+-[^-]+)-.*", RegexOptions.Singleline)]
    private static partial Regex UpToSecondDash();

    // PEP 440 (packaging's VERSION_PATTERN), case-insensitive, surrounding whitespace allowed.
    [GeneratedRegex(@"^\s*v?(?:(?<epoch>[0-9]+)!)?(?<release>[0-9]+(?:\.[0-9]+)*)" +
                    @"(?:[-_\.]?(?<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_\.]?(?<pre_n>[0-9]+)?)?" +
                    @"(?:-(?<post_n1>[0-9]+)|[-_\.]?(?<post_l>post|rev|r)[-_\.]?(?<post_n2>[0-9]+)?)?" +
                    @"(?:[-_\.]?(?<dev_l>dev)[-_\.]?(?<dev_n>[0-9]+)?)?" +
                    @"(?:\+(?<local>[a-z0-9]+(?:[-_\.][a-z0-9]+)*))?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex Pep440();

    public static InfotextVersion? Parse(string? text)
    {
        if (text is null) return null;
        var cut = UpToSecondDash().Match(text);
        if (cut.Success) text = cut.Groups[1].Value;
        var m = Pep440().Match(text);
        if (!m.Success) return null;
        static BigInteger N(Group g) => g.Success ? BigInteger.Parse(g.Value, CultureInfo.InvariantCulture) : BigInteger.Zero;
        var release = m.Groups["release"].Value.Split('.').Select(s => BigInteger.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        (int, BigInteger)? pre = null;
        if (m.Groups["pre_l"].Success)
        {
            int kind = m.Groups["pre_l"].Value.ToLowerInvariant() switch { "a" or "alpha" => 0, "b" or "beta" => 1, _ => 2 };
            pre = (kind, N(m.Groups["pre_n"]));
        }
        BigInteger? post = m.Groups["post_n1"].Success ? N(m.Groups["post_n1"])
            : m.Groups["post_l"].Success ? N(m.Groups["post_n2"]) : null;
        BigInteger? dev = m.Groups["dev_l"].Success ? N(m.Groups["dev_n"]) : null;
        return new InfotextVersion(N(m.Groups["epoch"]), release, pre, post, dev);
    }

    public static InfotextVersion Of(string text) => Parse(text) ?? throw new ArgumentException($"Not a version: {text}");

    public int CompareTo(InfotextVersion? other)
    {
        if (other is null) return 1;
        int c = _epoch.CompareTo(other._epoch);
        if (c != 0) return c;
        for (int i = 0; i < Math.Max(_release.Length, other._release.Length); i++)
        {
            var a = i < _release.Length ? _release[i] : BigInteger.Zero;
            var b = i < other._release.Length ? other._release[i] : BigInteger.Zero;
            if ((c = a.CompareTo(b)) != 0) return c;
        }
        if ((c = PreKey().CompareTo(other.PreKey())) != 0) return c;
        if ((c = PostKey().CompareTo(other.PostKey())) != 0) return c;
        return DevKey().CompareTo(other.DevKey());
    }

    // packaging's sort keys: a dev-only release sorts before its pre-releases; no pre-release sorts after all of them.
    (int, int, BigInteger) PreKey() =>
        _pre is null && _post is null && _dev is not null ? (0, 0, 0)
        : _pre is null ? (2, 0, 0)
        : (1, _pre.Value.Kind, _pre.Value.Number);
    (int, BigInteger) PostKey() => _post is null ? (0, 0) : (1, _post.Value);
    (int, BigInteger) DevKey() => _dev is null ? (1, 0) : (0, _dev.Value);

    public static bool operator <(InfotextVersion a, InfotextVersion b) => a.CompareTo(b) < 0;
    public static bool operator >(InfotextVersion a, InfotextVersion b) => a.CompareTo(b) > 0;
}
