using ESignWeb.Sealing;
using ESignWeb.Tests.E2E;
using Microsoft.Extensions.FileProviders;

namespace ESignWeb.Tests.Fixtures;

/// <summary>Installs the app's PDF fonts (from the repository's wwwroot/lib/fonts, filled by the build).</summary>
public static class Fonts
{
    public static SealingFonts Install()
    {
        PdfSharp.PdfSharpLicense.SetAgplLicense();
        return SealingFonts.Install(new PhysicalFileProvider(Path.Combine(RepoPaths.Root, "wwwroot")));
    }
}
