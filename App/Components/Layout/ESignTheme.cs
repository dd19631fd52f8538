using MudBlazor;

namespace ESignWeb.Components.Layout;

public static class ESignTheme
{
    public static readonly MudTheme Theme = new()
    {
        // Status colours darker than MudBlazor's defaults so text in them (outlined chips, text buttons) and white text on
        // them (filled snackbars, chips) reach WCAG AA 4.5:1 (axe-core's color-contrast rule, checked in AccessibilityTests).
        PaletteLight = new PaletteLight
        {
            Primary = "#3949ab", Secondary = "#00796b", AppbarBackground = "#283593",
            Info = "#1565c0", Success = "#2e7d32", Error = "#c62828", Warning = "#9a5b00",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"] },
        },
    };
}
