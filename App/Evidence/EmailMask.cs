namespace ESignWeb.Evidence;

/// <summary>
/// An e-mail address as the public verify page shows it: enough to recognise one's own, too little to harvest —
/// the first character of the local part and of the domain, then the top-level domain: <c>ann@example.com</c> →
/// <c>a***@e***.com</c>. Anything that is not an address becomes <c>***</c>.
/// </summary>
public static class EmailMask
{
    public static string Mask(string? email)
    {
        var at = email?.LastIndexOf('@') ?? -1;
        if (email is null || at <= 0 || at == email.Length - 1) return "***";
        var local = email[..at].Trim();
        var domain = email[(at + 1)..].Trim().TrimEnd('.');
        var dot = domain.LastIndexOf('.');
        if (local.Length == 0 || domain.Length == 0) return "***";
        var tld = dot > 0 && dot < domain.Length - 1 ? domain[dot..] : "";
        return $"{char.ToLowerInvariant(local[0])}***@{char.ToLowerInvariant(domain[0])}***{tld.ToLowerInvariant()}";
    }
}
