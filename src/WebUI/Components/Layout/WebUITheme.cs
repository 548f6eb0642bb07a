using MudBlazor;

namespace WebUI.Components.Layout;

/// <summary>A1111's look: Gradio's grey panels and the orange Generate button, in a dark and a light variant.</summary>
public static class WebUITheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteDark = new PaletteDark
        {
            Primary = "#ea580c",
            PrimaryContrastText = "#ffffff",
            Secondary = "#4b5563",
            SecondaryContrastText = "#ffffff",
            Background = "#0b0f19",
            Surface = "#1f2937",
            AppbarBackground = "#111827",
            AppbarText = "#e5e7eb",
            TextPrimary = "#e5e7eb",
            TextSecondary = "#9ca3af",
            LinesInputs = "#4b5563",
            DrawerBackground = "#111827",
        },
        PaletteLight = new PaletteLight
        {
            Primary = "#ea580c",
            PrimaryContrastText = "#ffffff",
            Secondary = "#6b7280",
            SecondaryContrastText = "#ffffff",
            Background = "#f3f4f6",
            Surface = "#ffffff",
            AppbarBackground = "#ffffff",
            AppbarText = "#1f2937",
            TextPrimary = "#1f2937",
            TextSecondary = "#4b5563",
            LinesInputs = "#9ca3af",
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "8px" },
    };
}
