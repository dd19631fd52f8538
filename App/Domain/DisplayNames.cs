using System.Text;

namespace ESignWeb.Domain;

/// <summary>
/// The one cleaning of every name a person gives that others see: document, request and template names, signers'
/// first and last names, template role names. Bidirectional controls could make a name read differently than it is
/// (<c>"invoice\u202Efdp.exe"</c> shows as <c>invoiceexe.pdf</c>), and line breaks could forge lines in mail headers,
/// mail bodies and the audit trail. Right-to-left text itself (Arabic, Hebrew) is kept: its direction comes from the
/// letters, not from these controls.
/// </summary>
public static class DisplayNames
{
    /// <summary>
    /// Removes bidirectional embedding/override/isolate controls (U+202A–U+202E, U+2066–U+2069) and marks
    /// (U+200E, U+200F, U+061C); turns line breaks, tabs and other control characters (and U+2028/U+2029) into a
    /// space; collapses runs of white space and trims. Null becomes "".
    /// </summary>
    public static string Clean(string? raw)
    {
        if (string.IsNullOrEmpty(raw)) return "";
        var sb = new StringBuilder(raw.Length);
        var pendingSpace = false;
        foreach (var c in raw)
        {
            if (IsBidiControl(c)) continue;
            if (char.IsControl(c) || char.IsWhiteSpace(c))
            {
                pendingSpace = sb.Length > 0;
                continue;
            }
            if (pendingSpace) sb.Append(' ');
            pendingSpace = false;
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>Whether <paramref name="c"/> changes how the text around it is ordered on screen.</summary>
    public static bool IsBidiControl(char c) => c is
        (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or '\u200E' or '\u200F' or '\u061C';
}
