using Bunit;
using ESignWeb.Components.OAuth;
using ESignWeb.OAuth;
using ESignWeb.Tests.Integration;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ESignWeb.Tests.Components;

/// <summary>
/// Settings → Developer apps and Authorised apps, rendered over the real services (an in-process app with its own
/// database): register through the dialog, the secret shown once, a refusal kept in the dialog, Revoke.
/// </summary>
public class OAuthAppListTests : ComponentTestBase, IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;

    public OAuthAppListTests(ESignAppFactory app)
    {
        _app = app;
        Services.AddSingleton(app.Get<DeveloperApps>());
        Services.AddSingleton(app.Get<AuthorisedApps>());
    }

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private Task<string> UserAsync() => _app.CreateUserAsync($"ui-{Guid.NewGuid():N}@example.com");

    private IRenderedComponent<MudBlazor.MudDialogProvider> Providers()
    {
        Render<MudBlazor.MudPopoverProvider>();
        return Render<MudBlazor.MudDialogProvider>();
    }

    private static async Task ClickButtonAsync(IRenderedComponent<MudBlazor.MudDialogProvider> dialogs, string text) =>
        await dialogs.FindAll("button").Single(b => b.TextContent.Trim() == text).ClickAsync(new());

    [Fact]
    public async Task Registering_shows_the_secret_once_with_a_copy_button_and_the_list_shows_the_client_id()
    {
        var owner = await UserAsync();
        var dialogs = Providers();
        var cut = Render<DeveloperAppList>(p => p.Add(x => x.UserId, owner));
        cut.WaitForAssertion(() => cut.Find("#devapp-none"), Wait);

        _ = cut.Find("#devapp-register").ClickAsync(new()); // ends when the dialog closes
        dialogs.WaitForAssertion(() => dialogs.Find("#devapp-name"), Wait);
        dialogs.Find("#devapp-name").Input("Invoice robot");
        dialogs.Find("#devapp-redirects").Input("https://robot.example.com/cb");
        await dialogs.Find("#devapp-save").ClickAsync(new());

        cut.WaitForAssertion(() => cut.Find("#devapp-secret-value"), Wait);
        var secret = cut.Find("#devapp-secret-value").TextContent.Trim();
        Assert.StartsWith(DeveloperApps.SecretPrefix, secret);
        Assert.Contains("will not be shown again", cut.Find("[data-testid=secret-once]").TextContent);
        cut.Find("#devapp-secret-copy");
        var app = Assert.Single(await _app.Get<DeveloperApps>().ListAsync(owner));
        Assert.Equal("Invoice robot", app.Name);
        Assert.Equal(app.ClientId, cut.Find("[data-testid=devapp-client-id]").TextContent);

        // Copy hands the shown element to the component's own module.
        await cut.Find("#devapp-secret-copy").ClickAsync(new());
        Assert.Contains(JSInterop.Invocations, i => i.Identifier == "import" && (string?)i.Arguments[0] == "./Components/OAuth/SecretOnce.razor.js");

        // Another rendering (a reload) lists the app but never its secret.
        var again = Render<DeveloperAppList>(p => p.Add(x => x.UserId, owner));
        again.WaitForAssertion(() => Assert.Equal(app.ClientId, again.Find("[data-testid=devapp-client-id]").TextContent), Wait);
        Assert.DoesNotContain(secret, again.Markup);
        Assert.Empty(again.FindAll("[data-testid=secret-once]"));

        // I have saved it: the secret goes from the first rendering too.
        await cut.Find("#devapp-secret-dismiss").ClickAsync(new());
        Assert.DoesNotContain(secret, cut.Markup);
    }

    [Fact]
    public async Task A_refused_redirect_uri_is_shown_in_the_dialog_which_stays_open_and_nothing_is_registered()
    {
        var owner = await UserAsync();
        var dialogs = Providers();
        var cut = Render<DeveloperAppList>(p => p.Add(x => x.UserId, owner));
        _ = cut.Find("#devapp-register").ClickAsync(new()); // ends when the dialog closes
        dialogs.WaitForAssertion(() => dialogs.Find("#devapp-name"), Wait);
        dialogs.Find("#devapp-name").Input("Leaky");
        dialogs.Find("#devapp-redirects").Input("http://evil.example.com/cb");
        await dialogs.Find("#devapp-save").ClickAsync(new());

        dialogs.WaitForAssertion(() => Assert.Contains("must use https", dialogs.Markup), Wait);
        dialogs.Find("#devapp-save"); // still open
        Assert.Empty(await _app.Get<DeveloperApps>().ListAsync(owner));
        Assert.Empty(cut.FindAll("[data-testid=secret-once]"));
    }

    [Fact]
    public async Task Rotate_asks_first_then_shows_the_new_secret_and_Delete_removes_the_row()
    {
        var owner = await UserAsync();
        var apps = _app.Get<DeveloperApps>();
        var made = await apps.RegisterAsync(owner, new DeveloperAppInput("Nightly export", "https://export.example.com/cb"));
        var dialogs = Providers();
        var cut = Render<DeveloperAppList>(p => p.Add(x => x.UserId, owner));
        cut.WaitForAssertion(() => cut.Find("[data-testid=devapp-rotate]"), Wait);

        _ = cut.Find("[data-testid=devapp-rotate]").ClickAsync(new()); // ends when the dialog closes
        dialogs.WaitForAssertion(() => Assert.Contains("stops working at once", dialogs.Markup), Wait);
        await ClickButtonAsync(dialogs, "Rotate");
        cut.WaitForAssertion(() => cut.Find("#devapp-secret-value"), Wait);
        var rotated = cut.Find("#devapp-secret-value").TextContent.Trim();
        Assert.NotEqual(made.ClientSecret, rotated);
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var manager = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            var app = (await manager.FindByClientIdAsync(made.App.ClientId))!;
            Assert.True(await manager.ValidateClientSecretAsync(app, rotated));
            Assert.False(await manager.ValidateClientSecretAsync(app, made.ClientSecret!));
        }

        _ = cut.Find("[data-testid=devapp-delete]").ClickAsync(new()); // ends when the dialog closes
        dialogs.WaitForAssertion(() => Assert.Contains("Delete \"Nightly export\"?", dialogs.Markup), Wait);
        await ClickButtonAsync(dialogs, "Delete");
        cut.WaitForAssertion(() => cut.Find("#devapp-none"), Wait);
        Assert.Empty(await apps.ListAsync(owner));
        Assert.Empty(cut.FindAll("[data-testid=secret-once]"));
    }

    [Fact]
    public async Task Authorised_apps_lists_what_the_user_allowed_and_Revoke_removes_it()
    {
        var owner = await UserAsync();
        var user = await UserAsync();
        var made = await _app.Get<DeveloperApps>().RegisterAsync(owner, new DeveloperAppInput("Signing kiosk", "https://kiosk.example.com/cb"));
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var descriptor = new OpenIddictAuthorizationDescriptor
            {
                ApplicationId = made.App.Id, Subject = user, Status = Statuses.Valid, Type = AuthorizationTypes.Permanent,
                CreationDate = DateTimeOffset.UtcNow,
            };
            descriptor.Scopes.UnionWith(["requests", "documents.read"]);
            await scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>().CreateAsync(descriptor);
        }
        var dialogs = Providers();
        var cut = Render<AuthorisedAppList>(p => p.Add(x => x.UserId, user));
        cut.WaitForAssertion(() => Assert.Contains("Signing kiosk", cut.Find("#authapp-table").TextContent), Wait);
        Assert.Contains("documents.read, requests", cut.Markup);
        Assert.Contains("never", cut.Find("#authapp-table").TextContent); // no token yet

        var ownersView = Render<AuthorisedAppList>(p => p.Add(x => x.UserId, owner));
        ownersView.WaitForAssertion(() => ownersView.Find("#authapp-none"), Wait);

        _ = cut.Find("[data-testid=authapp-revoke]").ClickAsync(new()); // ends when the dialog closes
        dialogs.WaitForAssertion(() => Assert.Contains("Revoke \"Signing kiosk\"?", dialogs.Markup), Wait);
        await ClickButtonAsync(dialogs, "Revoke");
        cut.WaitForAssertion(() => cut.Find("#authapp-none"), Wait);
        Assert.Empty(await _app.Get<AuthorisedApps>().ListAsync(user));
    }
}
