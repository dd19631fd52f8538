using System.Globalization;
using System.Resources;

namespace ESignWeb.Localization;

/// <summary>Resource marker: the texts of the signer's pages (<c>SignerText.resx</c> and its .de/.fr/.es siblings).</summary>
public sealed class SignerText
{
    private static readonly ResourceManager Resources = new("ESignWeb.Localization.SignerText", typeof(SignerText).Assembly);

    /// <summary>
    /// A text in the current UI culture, for code without an <c>IStringLocalizer</c> (static checks such as
    /// <see cref="Signing.SignatureImage"/>); the same resources the signer's pages read.
    /// </summary>
    public static string Get(string key, params object[] args)
    {
        var text = Resources.GetString(key, CultureInfo.CurrentUICulture) ?? key;
        return args.Length == 0 ? text : string.Format(CultureInfo.CurrentCulture, text, args);
    }
}
