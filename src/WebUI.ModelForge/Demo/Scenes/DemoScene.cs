namespace WebUI.ModelForge.Demo.Scenes;

/// <summary>
/// One gallery picture of the demo model: a procedural shader over the unit square (u to the right, v down,
/// both in [0, 1]) and the prompt tags that name it, each with an affinity weight in (0, 1].
/// </summary>
public sealed record DemoScene(string Family, string Name, IReadOnlyDictionary<string, float> Tags, Func<double, double, Rgb> Shade)
{
    /// <summary>Tags from a compact spec such as "sunset sea sky:0.5" (weight 1 when none is given).</summary>
    public static IReadOnlyDictionary<string, float> ParseTags(string spec)
    {
        var tags = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var item in spec.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int colon = item.IndexOf(':');
            string name = colon < 0 ? item : item[..colon];
            float weight = colon < 0 ? 1f : float.Parse(item[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            if (weight is <= 0 or > 1) throw new ArgumentException($"Tag weight for '{name}' must be in (0, 1].", nameof(spec));
            tags[name] = weight;
        }
        return tags;
    }
}
