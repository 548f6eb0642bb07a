using static WebUI.ModelForge.Demo.Scenes.Paint;

namespace WebUI.ModelForge.Demo.Scenes;

/// <summary>A flat red disc on a blue ground: the minimal, unmistakable test picture.</summary>
static class RedCircle
{
    sealed record Look(string Name, double X, double Y, double R, Rgb Ground, Rgb Disc);

    public static IEnumerable<DemoScene> Create()
    {
        const string tags = "red circle blue abstract";
        Look[] looks =
        [
            new("centred", 0.5, 0.5, 0.26, Rgb.Hex("#1f4fbf"), Rgb.Hex("#d82424")),
            new("small upper left", 0.33, 0.36, 0.15, Rgb.Hex("#15295e"), Rgb.Hex("#e0302a")),
            new("lower right", 0.64, 0.63, 0.2, Rgb.Hex("#3d8ed8"), Rgb.Hex("#cc1e1e")),
            new("large", 0.5, 0.54, 0.34, Rgb.Hex("#2443a8"), Rgb.Hex("#e42a22")),
            new("low left", 0.3, 0.7, 0.13, Rgb.Hex("#2a38d0"), Rgb.Hex("#d42030")),
        ];
        foreach (var look in looks)
            yield return new DemoScene("red circle on blue", look.Name, DemoScene.ParseTags(tags), (u, v) =>
            {
                // A barely-there vertical gradient keeps the ground from looking digital.
                var ground = look.Ground * (1.08 - 0.16 * v);
                return Mix(ground, look.Disc, Disc(u, v, look.X, look.Y, look.R, 0.0015));
            });
    }
}
