namespace WebUI.ModelForge.Demo;

/// <summary>
/// The words the demo model understands, each naming one or more gallery tags. A token's affinity to a gallery
/// member is the largest weight the member gives any of the token's tags (0 when it names none of them).
/// English words become whole-word BPE tokens; the Chinese characters become one token per character, because CLIP's
/// pre-tokenizer keeps a run of CJK letters together and byte-level BPE then needs per-character merges.
/// </summary>
static class DemoVocabulary
{
    /// <summary>Tag → the English words that name it.</summary>
    static readonly (string Tag, string Words)[] English =
    [
        ("sunset", "sunset sunsets sundown dusk afterglow"),
        ("evening", "evening evenings twilight dusk"),
        ("dawn", "dawn sunrise sunrises daybreak morning"),
        ("sun", "sun sunlight sunshine sunny sunlit"),
        ("sea", "sea seas ocean oceans seascape seaside marine"),
        ("water", "water lake lakes reflection reflections"),
        ("waves", "wave waves surf surfing breakers swell"),
        ("beach", "beach beaches shore shoreline coast coastal coastline seashore lagoon"),
        ("sand", "sand sandy"),
        ("tropical", "tropical paradise island palm"),
        ("snow", "snow snowy snowfall winter frozen ice icy glacier frost snowcapped"),
        ("mountain", "mountain mountains peak peaks summit alps alpine himalayas range"),
        ("city", "city cities cityscape skyline urban downtown metropolis skyscraper skyscrapers building buildings tower towers town street"),
        ("neon", "neon cyberpunk glowing glow"),
        ("lights", "lights lamps"),
        ("night", "night nights nighttime midnight nocturnal dark"),
        ("moon", "moon moonlight moonlit moonrise lunar"),
        ("stars", "star stars starry starlight constellation constellations"),
        ("galaxy", "galaxy milky cosmos nebula universe space astrophotography"),
        ("aurora", "aurora auroras borealis northern polar"),
        ("flowers", "flower flowers floral blossom blossoms bloom blooming poppy poppies tulip tulips lavender daisy daisies wildflowers sunflower sunflowers garden petals rose roses"),
        ("field", "field fields meadow meadows prairie farmland farm"),
        ("grass", "grass grassy lawn"),
        ("hills", "hill hills rolling valley countryside pasture rural"),
        ("forest", "forest forests woods woodland tree trees pine pines oak birch jungle"),
        ("autumn", "autumn fall foliage maple leaves"),
        ("mist", "mist misty fog foggy haze hazy"),
        ("desert", "desert deserts dune dunes sahara arid dry hot heat"),
        ("circle", "circle circles ball sphere disc disk dot round orb"),
        ("abstract", "abstract minimal minimalist minimalism geometric simple shape shapes flat logo flag"),
        ("rainbow", "rainbow rainbows"),
        ("storm", "storm stormy thunderstorm rain rainy overcast"),
        ("clouds", "cloud clouds cloudy overcast"),
        ("sky", "sky skies"),
        ("landscape", "landscape landscapes scenery nature view panorama vista outdoors"),
        ("day", "day daytime noon midday"),
        ("summer", "summer"),
        ("spring", "spring springtime"),
        ("wheat", "wheat grain harvest barley"),
        ("red", "red crimson scarlet"),
        ("blue", "blue azure navy cobalt"),
        ("orange", "orange amber"),
        ("pink", "pink magenta rose roses"),
        ("purple", "purple violet lilac"),
        ("yellow", "yellow gold golden"),
        ("green", "green emerald"),
        ("white", "white"),
        ("gray", "gray grey silver"),
        ("turquoise", "turquoise teal cyan aqua"),
    ];

    /// <summary>Common prompt words that name nothing in the gallery: whole tokens (as in real CLIP) with zero affinity.</summary>
    const string Neutral =
        "a an the of over on in with and at by under above near from to is are its this that into across " +
        "masterpiece best quality high highly detailed detail ultra photo photograph photography realistic photorealistic " +
        "painting art artwork illustration beautiful lowres blurry ugly bad worst low jpeg artifacts cinematic lighting " +
        "sharp focus wallpaper digital trending artstation style oil watercolor render scene picture image hdr epic stunning " +
        "dramatic amazing vibrant colorful soft deformed watermark text signature cropped noise grainy people person man " +
        "woman girl boy light bright calm peaceful serene wide angle shot lens";

    /// <summary>Chinese characters (as used in Chinese SD prompts) → tags.</summary>
    static readonly (string Tag, string Chars)[] Chinese =
    [
        ("sun", "日阳"), ("sunset", "落夕昏霞"), ("evening", "晚"), ("dawn", "黎晨朝"), ("sea", "海洋"), ("waves", "浪波"),
        ("beach", "滩岸"), ("sand", "沙"), ("desert", "漠"), ("snow", "雪冬冰"), ("mountain", "山峰"), ("city", "城市楼街"),
        ("lights", "灯"), ("neon", "霓"), ("night", "夜"), ("stars", "星"), ("moon", "月"), ("aurora", "极"), ("flowers", "花"),
        ("field", "田野"), ("grass", "草"), ("forest", "森林树"), ("autumn", "秋叶"), ("mist", "雾"), ("red", "红"), ("blue", "蓝"),
        ("circle", "圆球"), ("green", "绿"), ("yellow", "黄"), ("purple", "紫"), ("pink", "粉"), ("orange", "橙"), ("white", "白"),
        ("sky", "天空"), ("clouds", "云"), ("hills", "丘"), ("rainbow", "虹"), ("landscape", "风景"), ("water", "湖水"),
        ("abstract", "抽象"), ("storm", "暴雨"), ("summer", "夏"), ("spring", "春"), ("wheat", "麦"),
    ];

    static readonly Lazy<Dictionary<string, HashSet<string>>> _wordTags = new(() => Collect(English, s => s.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
    static readonly Lazy<Dictionary<string, HashSet<string>>> _charTags = new(() => Collect(Chinese, s => s.Select(c => c.ToString())));

    static Dictionary<string, HashSet<string>> Collect((string Tag, string Items)[] table, Func<string, IEnumerable<string>> split)
    {
        var map = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (tag, items) in table)
            foreach (var item in split(items))
            {
                if (!map.TryGetValue(item, out var tags)) map[item] = tags = [];
                tags.Add(tag);
            }
        return map;
    }

    /// <summary>Every English word that becomes a whole-word token, tagged ones first, in a fixed order.</summary>
    public static IReadOnlyList<string> Words =>
        [.. _wordTags.Value.Keys, .. Neutral.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => !_wordTags.Value.ContainsKey(w)).Distinct()];

    /// <summary>Every Chinese character that becomes a token (with and without the word-end marker).</summary>
    public static IReadOnlyList<string> Characters => [.. _charTags.Value.Keys];

    /// <summary>Tags of an English word or Chinese character (empty when it names nothing).</summary>
    public static IReadOnlySet<string> TagsOf(string wordOrChar) =>
        _wordTags.Value.TryGetValue(wordOrChar, out var t) ? t : _charTags.Value.TryGetValue(wordOrChar, out var c) ? c : new HashSet<string>();

    /// <summary>All tags any word or character names.</summary>
    public static IReadOnlySet<string> NamedTags => _wordTags.Value.Values.Concat(_charTags.Value.Values).SelectMany(t => t).ToHashSet();
}
