using Microsoft.AspNetCore.Http;
using System.Globalization;

namespace ESignWeb.Localization;

/// <summary>
/// The languages a signer's pages and mails are available in (en, de, fr, es): one list, used by request
/// localisation, the prepare page, the API and the mail handlers. A language is stored as its two-letter code.
/// </summary>
public static class SignerLanguages
{
    public const string Default = "en";

    public static readonly IReadOnlyList<string> Supported = ["en", "de", "fr", "es"];

    /// <summary>Each language's name in itself, as the language menu shows it.</summary>
    public static string NativeName(string code) => code switch
    {
        "de" => "Deutsch",
        "fr" => "Français",
        "es" => "Español",
        _ => "English",
    };

    /// <summary>
    /// The <c>lang</c> of a page: a signer's page (<c>/sign/…</c>, <c>/embed/sign/…</c>) speaks the request's language;
    /// every other screen is English whatever the browser prefers (only the signer's side is translated).
    /// </summary>
    public static string PageLanguage(PathString path) =>
        path.StartsWithSegments("/sign") || path.StartsWithSegments("/embed/sign")
            ? Of(CultureInfo.CurrentUICulture) ?? Default
            : Default;

    public static bool IsSupported(string? code) => code is not null && Supported.Contains(code);

    /// <summary>The supported language a culture belongs to (de-AT → de), or null.</summary>
    public static string? Of(CultureInfo culture) =>
        culture.TwoLetterISOLanguageName is var two && IsSupported(two) ? two : null;

    /// <summary>A stored or requested language, or <see cref="Default"/> when it is not one of ours.</summary>
    public static string OrDefault(string? code) => IsSupported(code) ? code! : Default;

    /// <summary>The error text when a caller names an unsupported language.</summary>
    public static string Unsupported(string? code) =>
        $"Language \"{code}\" is not supported (supported: {string.Join(", ", Supported)}).";

    /// <summary>Runs code in a language (mail is rendered outside any page request): sets and restores the thread's cultures.</summary>
    public static IDisposable Use(string? code) => new CultureScope(CultureInfo.GetCultureInfo(OrDefault(code)));

    private sealed class CultureScope : IDisposable
    {
        private readonly CultureInfo _culture = CultureInfo.CurrentCulture;
        private readonly CultureInfo _uiCulture = CultureInfo.CurrentUICulture;

        public CultureScope(CultureInfo culture) => (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, culture);

        public void Dispose() => (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (_culture, _uiCulture);
    }
}
