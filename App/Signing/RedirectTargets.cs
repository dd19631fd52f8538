namespace ESignWeb.Signing;

/// <summary>
/// Where a signer's page goes after they finish or decline (Box's <c>redirect_url</c> and <c>declined_redirect_url</c>).
/// The signer's own URL wins over the request's; a missing declined URL falls back to the redirect URL (the signer's,
/// then the request's). Only absolute http(s) URLs are followed (the option rules refuse others when they are set;
/// this guards against anything stored before). Pure.
/// </summary>
public sealed record RedirectTargets(string? AfterSigning, string? AfterDeclining)
{
    public static readonly RedirectTargets None = new(null, null);

    public static RedirectTargets Resolve(string? requestRedirect, string? requestDeclined, string? signerRedirect, string? signerDeclined)
    {
        var done = Web(signerRedirect) ?? Web(requestRedirect);
        var declined = Web(signerDeclined) ?? Web(requestDeclined) ?? done;
        return new RedirectTargets(done, declined);
    }

    public static RedirectTargets For(Domain.SignatureRequest r, Domain.Recipient who) =>
        Resolve(r.RedirectUrl, r.DeclinedRedirectUrl, who.RedirectUrl, who.DeclinedRedirectUrl);

    /// <summary>The target for a page that has just reached <paramref name="state"/> from Ready; null: stay.</summary>
    public string? After(SigningState state) => state switch
    {
        SigningState.AlreadySigned or SigningState.Complete => AfterSigning,
        SigningState.Declined => AfterDeclining,
        _ => null,
    };

    private static string? Web(string? url) =>
        !string.IsNullOrWhiteSpace(url) && Uri.TryCreate(url.Trim(), UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp)
            ? u.AbsoluteUri : null;
}
