using System.Security.Claims;

namespace ESignWeb.OAuth;

/// <summary>
/// The OAuth scopes of the API, in one place: each with the plain words the consent page shows. A write scope
/// (<c>documents</c>) includes its read-only variant (<c>documents.read</c>). An API key carries every scope.
/// </summary>
public static class ApiScopes
{
    public const string Documents = "documents";
    public const string DocumentsRead = "documents.read";
    public const string Requests = "requests";
    public const string RequestsRead = "requests.read";
    public const string Templates = "templates";
    public const string TemplatesRead = "templates.read";
    public const string Webhooks = "webhooks";
    public const string WebhooksRead = "webhooks.read";
    public const string Reports = "reports";
    /// <summary>Asks for a refresh token (OpenID's <c>offline_access</c>).</summary>
    public const string OfflineAccess = OpenIddict.Abstractions.OpenIddictConstants.Scopes.OfflineAccess;

    /// <summary>The claim type that carries one granted scope on an API caller's principal (one claim per scope).</summary>
    public const string ClaimType = "esign:scope";

    /// <summary>Every scope a client may ask for, with what it lets the app do, in plain words.</summary>
    public static IReadOnlyDictionary<string, string> Descriptions { get; } = new Dictionary<string, string>
    {
        [Documents] = "Upload, read, rename and delete your documents and signed files",
        [DocumentsRead] = "Read your documents and signed files",
        [Requests] = "Send, change, remind and cancel your signature requests",
        [RequestsRead] = "See your signature requests and their status",
        [Templates] = "Create, change and delete your templates, and send from them",
        [TemplatesRead] = "See your templates",
        [Webhooks] = "Add, change and remove your webhooks (callback URLs)",
        [WebhooksRead] = "See your webhooks",
        [Reports] = "Build reports about your requests",
        [OfflineAccess] = "Keep this access when you are not using it (until you revoke it)",
    };

    public static IReadOnlyList<string> All { get; } = [.. Descriptions.Keys];

    /// <summary>The API scopes (everything but <c>offline_access</c>): what an API key carries.</summary>
    public static IReadOnlyList<string> Api { get; } = [.. All.Where(s => s != OfflineAccess)];

    public static bool IsKnown(string scope) => Descriptions.ContainsKey(scope);

    /// <summary>Whether the granted scopes allow <paramref name="required"/> (a write scope includes its <c>.read</c>).</summary>
    public static bool Allows(IEnumerable<string> granted, string required) =>
        granted.Any(g => g == required || (required.EndsWith(".read", StringComparison.Ordinal) && g == required[..^5]));

    public static bool Allows(ClaimsPrincipal user, string required) =>
        Allows(user.FindAll(ClaimType).Select(c => c.Value), required);
}
