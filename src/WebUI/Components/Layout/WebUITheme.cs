using MudBlazor;

namespace WebUI.Components.Layout;

/// <summary>A1111's look: Gradio's dark grey panels and the orange Generate button.</summary>
public static class WebUITheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteDark = new PaletteDark
        {
            Primary = "#ea580c",
            PrimaryContrastText = "#ffffff",
            Secondary = "#4b5563",
            Background = "#0b0f19",
            Surface = "#1f2937",
            AppbarBackground = "#111827",
            AppbarText = "#e5e7eb",
            TextPrimary = "#e5e7eb",
            TextSecondary = "#9ca3af",
            LinesInputs = "#4b5563",
            DrawerBackground = "#111827",
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "8px" },
    };
}
