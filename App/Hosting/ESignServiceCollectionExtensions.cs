using ESignWeb.Components.Account;
using ESignWeb.Data;
using ESignWeb.Documents;
using ESignWeb.Mail;
using ESignWeb.Outbox;
using ESignWeb.Requests;
using ESignWeb.Sealing;
using ESignWeb.Signing;
using ESignWeb.Secrets;
using ESignWeb.Storage;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace ESignWeb.Hosting;

public static class ESignServiceCollectionExtensions
{
    public const string DefaultUrl = "http://127.0.0.1:5000";

    /// <summary>ASP.NET Core's switch for MapStaticAssets' development handler (see <see cref="AddESign"/>).</summary>
    public const string ReloadStaticAssetsKey = "ReloadStaticAssetsAtRuntime";

    /// <summary>Registers everything the app needs, on its embedded defaults unless configured otherwise.</summary>
    public static WebApplicationBuilder AddESign(this WebApplicationBuilder builder)
    {
        PdfSharp.PdfSharpLicense.SetAgplLicense();

        // Static web assets (top-level wwwroot, MudBlazor, framework) resolve from the build manifest outside
        // Development too, so "dotnet run" works in any environment. Published output has no manifest: no-op.
        builder.WebHost.UseStaticWebAssets();
        // The build output carries a *build* manifest, for which MapStaticAssets turns on its development handler unless
        // told otherwise: every asset "no-cache" (fingerprinted ones too), and any file whose time differs from the
        // manifest's (MudBlazor's, from the NuGet cache) served uncompressed or re-gzipped at level 0. Outside
        // Development the build output is served exactly as published output: precompressed, fingerprinted URLs
        // immutable. `ReloadStaticAssetsAtRuntime=true` brings the handler back (editing wwwroot while it runs).
        if (!builder.Environment.IsDevelopment() && builder.Configuration[ReloadStaticAssetsKey] is null)
            builder.Configuration.AddInMemoryCollection([new(ReloadStaticAssetsKey, "false")]);

        // Listen on 127.0.0.1:5000 unless --urls, ASPNETCORE_URLS or ASPNETCORE_HTTP_PORTS say otherwise.
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]) &&
            string.IsNullOrEmpty(builder.Configuration["https_ports"]))
            builder.WebHost.UseUrls(DefaultUrl);

        var services = builder.Services;
        services.AddOptions<ESignOptions>().Bind(builder.Configuration.GetSection(ESignOptions.Section))
            .Validate(o => o.MaxUploadMegabytes is > 0 and <= 2048, "ESign:MaxUploadMegabytes must be between 1 and 2048.")
            .Validate(o => o.MaxPages is > 0 and <= 1_000_000, "ESign:MaxPages must be between 1 and 1000000.")
            .Validate(o => o.PdfInspection.TimeoutSeconds is > 0 and <= 3600, "ESign:PdfInspection:TimeoutSeconds must be more than 0 and at most 3600.")
            .Validate(o => o.PdfInspection.QueueWaitSeconds is >= 0 and <= 3600, "ESign:PdfInspection:QueueWaitSeconds must be between 0 and 3600.")
            .Validate(o => o.PdfInspection.MemoryMegabytes is >= 128 and <= 65536, "ESign:PdfInspection:MemoryMegabytes must be between 128 and 65536 (the worker itself, with its PDF libraries, needs about 70 MB).")
            .Validate(o => o.PdfInspection.MaxConcurrent is >= 0 and <= 256, "ESign:PdfInspection:MaxConcurrent must be between 0 (one per processor) and 256.")
            .Validate(o => PublicLinks.Problem(o.PublicBaseUrl) is null,
                "ESign:PublicBaseUrl must be an absolute http:// or https:// address with no query, fragment or user name, e.g. https://sign.example.com.")
            .Validate(o => o.MaxSignatureBytesPerSigner >= Signing.SignatureImage.MaxBytes,
                $"ESign:MaxSignatureBytesPerSigner must be at least {Signing.SignatureImage.MaxBytes} (one image).")
            .Validate(o => o.Timestamping.TimeoutSeconds is >= 1 and <= 120, "ESign:Timestamping:TimeoutSeconds must be between 1 and 120.")
            .Validate(o => Timestamping.TimestampAuthority.UrlProblem(o.Timestamping.Url) is null,
                "ESign:Timestamping:Url must be empty or an absolute http:// or https:// address.")
            .Validate(o => o.Outbox.LeaseSeconds is >= 3 and <= 3600, "ESign:Outbox:LeaseSeconds must be between 3 and 3600.")
            .Validate(o => o.Outbox.PollSeconds is >= 0 and <= 3600, "ESign:Outbox:PollSeconds must be between 0 and 3600.")
            .Validate(o => o.Circuits.DisconnectedRetentionSeconds is >= 0 and <= 3600, "ESign:Circuits:DisconnectedRetentionSeconds must be between 0 and 3600.")
            .Validate(o => o.Circuits.DisconnectedMaxRetained is >= 0 and <= 100_000, "ESign:Circuits:DisconnectedMaxRetained must be between 0 and 100000.")
            .Validate(o => o.BlobSweep.IntervalMinutes is >= 1 and <= 7 * 24 * 60, "ESign:BlobSweep:IntervalMinutes must be between 1 and 10080.")
            .Validate(o => o.BlobSweep.GraceHours is >= 1 and <= 24 * 365, "ESign:BlobSweep:GraceHours must be between 1 and 8760.")
            .Validate(o => o.Reports.LinkDays is >= 1 and <= 90, "ESign:Reports:LinkDays must be between 1 and 90.")
            .Validate(o => o.OAuth.AccessTokenMinutes is >= 1 and <= 24 * 60, "ESign:OAuth:AccessTokenMinutes must be between 1 and 1440.")
            .Validate(o => o.OAuth.RefreshTokenDays is >= 1 and <= 365, "ESign:OAuth:RefreshTokenDays must be between 1 and 365.")
            .Validate(o => o.OAuth.CodeMinutes is >= 1 and <= 10, "ESign:OAuth:CodeMinutes must be between 1 and 10.")
            .ValidateOnStart();
        services.AddOptions<SmtpOptions>().Bind(builder.Configuration.GetSection(SmtpOptions.Section))
            .Validate(o => !o.IsConfigured || o.Port is > 0 and < 65536, "Smtp:Port must be a TCP port.")
            .ValidateOnStart();
        services.AddOptions<SmsOptions>().Bind(builder.Configuration.GetSection(SmsOptions.Section))
            .Validate(o => o.CodeLifetimeMinutes is >= 1 and <= 60, "Sms:CodeLifetimeMinutes must be between 1 and 60.")
            .Validate(o => o.ResendAfterSeconds is >= 0 and <= 3600, "Sms:ResendAfterSeconds must be between 0 and 3600.")
            .Validate(o => o.MaxPerHour is >= 1 and <= 100, "Sms:MaxPerHour must be between 1 and 100.")
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddESignForwardedHeaders().AddESignThrottling();
        services.AddSingleton<DataPaths>();
        services.AddSingleton<IPdfInspection, PdfInspectionWorker>();
        // Every link handed out comes from here; it also refuses to start beyond loopback without ESign:PublicBaseUrl.
        services.AddSingleton<PublicLinks>();
        services.AddHostedService(sp => sp.GetRequiredService<PublicLinks>());

        // Everything that depends on the data directory resolves it lazily from DI, so tests and hosts can set
        // ESign:DataPath in any configuration source.
        // Shared keys live in the database (issue 15): the Data Protection key ring and the named secrets (App/Secrets).
        services.AddSharedKeyRing(builder.Configuration);
        services.AddSingleton<Secrets.InstanceSecrets>();

        // No shared cache: with WAL (set at start-up) readers never block writers; shared-cache table locks did
        // ("database table is locked" under concurrent signing). Nothing read from the database is cached in the process
        // (issue 15: several instances may share one database), so there is no write counter to keep.
        // ESign:Database:Provider picks SQLite (the file in the data folder) or PostgreSQL (ConnectionStrings:ESign);
        // everything provider-specific is in Data/DatabaseProvider.
        services.AddDbContextFactory<AppDbContext>((sp, o) =>
        {
            var kind = sp.GetRequiredService<IOptions<ESignOptions>>().Value.Database.Provider;
            var configured = sp.GetRequiredService<IConfiguration>().GetConnectionString(DatabaseProvider.ConnectionStringName);
            o.UseESignDatabase(kind, DatabaseProvider.ConnectionString(kind, configured, sp.GetRequiredService<DataPaths>().Database))
            .AddInterceptors(new OutboxNotifyInterceptor()) // PostgreSQL: a commit that enqueued work NOTIFYs every instance
            // SQLite rebuilds a table to change a column, between PRAGMA foreign_keys = 0 and = 1, which cannot run
            // inside the migration's transaction; EF says so as a warning at every fresh start. Known and intended: Debug.
            .ConfigureWarnings(w => w.Log((Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.NonTransactionalMigrationOperationWarning, LogLevel.Debug)));
        });

        // Identity (static SSR pages from the Blazor template) with lockout after repeated failures.
        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = IdentityConstants.ApplicationScheme;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.AddAuthentication()
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, Api.ApiKeyAuthenticationHandler>(Api.ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization(o => o.AddPolicy(Api.ApiEndpoints.Policy, p =>
            p.AddAuthenticationSchemes(Api.ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser()));
        services.AddIdentityCore<ApplicationUser>(o =>
            {
                o.Stores.SchemaVersion = AppDbContext.IdentitySchemaVersion;
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 8;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<AppDbContext>()
            .AddSignInManager<Accounts.AppSignInManager>()
            .AddDefaultTokenProviders();
        services.AddOptions<IdentityOptions>().Configure<IOptions<ESignOptions>>((o, esign) =>
            o.SignIn.RequireConfirmedAccount = esign.Value.RequireConfirmedAccount);
        // Identity's stores want a scoped DbContext.
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext());

        services.AddRazorComponents().AddInteractiveServerComponents();
        Localization.SignerLocalization.AddSignerLocalization(services); // en, de, fr, es for the signer's pages and mails
        // X-Frame-Options is set per page by UseESign (embedded pages may be framed by allowed origins).
        services.AddAntiforgery(o => o.SuppressXFrameOptionsHeader = true);
        services.AddHttpContextAccessor();
        services.AddScoped<ClientInfo>();
        services.AddScoped<ESignWeb.Localization.BrowserLocale>(); // the browser's language and UTC offset, per circuit
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, ClientInfoCircuitHandler>();
        services.AddSingleton<CircuitCount>(); // open circuits (POST /bench/gc reports them)
        // Disconnected circuits: kept deliberately briefly and boundedly (ESign:Circuits, docs/operations.md).
        services.AddOptions<Microsoft.AspNetCore.Components.Server.CircuitOptions>().Configure<IOptions<ESignOptions>>((c, o) =>
        {
            c.DisconnectedCircuitRetentionPeriod = TimeSpan.FromSeconds(o.Value.Circuits.DisconnectedRetentionSeconds);
            c.DisconnectedCircuitMaxRetained = o.Value.Circuits.DisconnectedMaxRetained;
        });
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, CircuitCountHandler>();
        // Notifications go bottom-right, where they never cover the page's action buttons (top-right).
        services.AddMudServices(o =>
        {
            o.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomRight;
            // Opaque snackbars: at MudBlazor's default 95 % the page shows through and white text on them falls
            // below WCAG AA contrast (axe-core color-contrast, AccessibilityTests).
            o.SnackbarConfiguration.MaximumOpacity = 100;
        });
        // MudBlazor's theme CSS, built once per process and linked as /theme.css (no MudThemeProvider per circuit).
        services.AddSingleton<Components.Layout.ThemeStylesheet>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");

        // Domain services.
        // ESign:Storage:Provider: files under the data folder (default) or chunks in the database (App/Storage).
        services.AddSingleton<IBlobStore>(sp => sp.GetRequiredService<IOptions<ESignOptions>>().Value.Storage.Provider == StorageProviderKind.Database
            ? ActivatorUtilities.CreateInstance<DatabaseBlobStore>(sp)
            : ActivatorUtilities.CreateInstance<FileSystemBlobStore>(sp));
        services.AddSingleton(sp => RecipientTokens.FromSharedKey(sp.GetRequiredService<Secrets.InstanceSecrets>(), sp.GetRequiredService<DataPaths>()));
        services.AddSingleton<DocumentService>();
        services.AddSingleton<Api.Box.BoxFiles>();
        services.AddSingleton<RequestService>();
        services.AddSingleton<RequestListQuery>();
        services.AddSingleton<DashboardLists>();
        services.AddSingleton<Templates.TemplateService>();
        services.AddSingleton<OutboxQueries>();
        services.AddSingleton<Accounts.Administrators>();
        services.AddScoped<Accounts.AccountMail>();
        services.AddScoped<Accounts.AccountPasswords>();
        services.AddSingleton<SigningService>();
        services.AddSingleton<Signing.SignerVerification>();
        services.AddSingleton<Signing.SignerPasswordReset>();
        services.AddSingleton<SigningCertificate>();
        services.AddSingleton<Timestamping.TimestampAuthority>();
        services.AddSingleton<Timestamping.SealEvidence>();
        services.AddHttpClient(Timestamping.TimestampAuthority.HttpClientName);
        services.AddSingleton<SealingFaults>();
        services.AddSingleton<SealingService>();
        services.AddSingleton<SelfSignService>();
        services.AddSingleton<SignedFileService>();
        services.AddSingleton<Evidence.VerifyService>(); // issue 16: the public verify page
        services.AddSingleton<Folders.FolderService>();
        services.AddSingleton<Api.ApiKeyService>();
        services.AddSingleton<OAuth.DeveloperApps>();
        services.AddSingleton<OAuth.AuthorisedApps>();
        Reports.ReportServices.AddReports(services); // issue 13: Reports/ReportServices
        OAuth.OAuthServices.AddOAuth(services); // issue 14: App/OAuth
        services.AddOptions<ApiOptions>().Bind(builder.Configuration.GetSection(ApiOptions.Section))
            .Validate(o => o.RateLimitPerMinute > 0, "Api:RateLimitPerMinute must be positive.");
        services.AddSingleton<Api.ApiRateLimits>();
        services.AddOpenApi("v1", o =>
        {
            // Only the REST API belongs in the document (not the app's own page endpoints).
            o.ShouldInclude = d => d.RelativePath is { } p && Api.ApiFamilies.Of(new PathString("/" + p)) is not null;
            o.AddDocumentTransformer((doc, _, _) =>
            {
                doc.Info.Title = "ESignWeb API (SignEasy v1/v2 and Box 2.0 compatible)";
                doc.Info.Description = "Authenticate with Authorization: Bearer <API key> (Settings page or `apikey create`). See docs/api.md.";
                return Task.CompletedTask;
            });
        });
        // Request bodies: Kestrel, form and SignalR limits, counted after decompression per endpoint class (BodyLimits).
        builder.AddBodyLimits();
        services.AddSingleton<Audit.Verification>();
        services.AddSingleton<IOutboxHandler>(sp => sp.GetRequiredService<SealingService>());

        // Mail, through the outbox.
        services.AddSingleton<MailComposer>();
        services.AddSingleton<IMailTransport>(sp => sp.GetRequiredService<IOptions<SmtpOptions>>().Value.IsConfigured
            ? ActivatorUtilities.CreateInstance<SmtpMailTransport>(sp)
            : ActivatorUtilities.CreateInstance<PickupFolderMailTransport>(sp));
        services.AddSingleton<IEmailSender<ApplicationUser>, OutboxIdentityEmailSender>();
        // SMS codes for signers (issue 11): Twilio when configured, else the SMS folder shown on the Outbox page.
        services.AddHttpClient(Signing.TwilioSmsSender.HttpClientName);
        services.AddSingleton<Signing.SmsOutboxFolder>();
        services.AddSingleton<Signing.ISmsSender>(sp => sp.GetRequiredService<IOptions<SmsOptions>>().Value.Twilio.IsConfigured
            ? ActivatorUtilities.CreateInstance<Signing.TwilioSmsSender>(sp)
            : sp.GetRequiredService<Signing.SmsOutboxFolder>());
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<IOutboxHandler, SignerInviteHandler>();
        services.AddSingleton<IOutboxHandler, CcNoticeHandler>();
        services.AddSingleton<IOutboxHandler, PlainMailHandler>();
        services.AddSingleton<IOutboxHandler, DeclinedNoticeHandler>();
        services.AddSingleton<IOutboxHandler, VoidNoticeHandler>();
        services.AddSingleton<IOutboxHandler, CompletedNoticeHandler>();
        // Scheduled work of a request (issue 11: reminders, expiry) and the sender's expiry mail.
        services.AddSingleton<IOutboxHandler, Requests.AutoReminderHandler>();
        services.AddSingleton<IOutboxHandler, Requests.AutoExpiryHandler>();
        services.AddSingleton<IOutboxHandler, ExpiredNoticeHandler>();
        // Two processors of the same type (one per lane): AddHostedService would keep only the first.
        // PostgreSQL: one connection LISTENs for other instances' enqueues and wakes this instance's processors.
        services.AddSingleton<OutboxListener>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxListener>());
        services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<OutboxProcessor>(sp, OutboxLane.Work));
        services.AddSingleton<BlobSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<BlobSweeper>());

        // Webhooks: callback URLs, signed deliveries through their own outbox lane.
        services.AddOptions<WebhookOptions>().Bind(builder.Configuration.GetSection(WebhookOptions.Section))
            .Validate(o => o.TimeoutSeconds is > 0 and <= 60, "Webhooks:TimeoutSeconds must be between 1 and 60.")
            .Validate(o => o.RetryForHours is > 0 and <= 24 * 30, "Webhooks:RetryForHours must be between 1 and 720.")
            .ValidateOnStart();
        services.AddSingleton<Embedding.EmbeddedLinks>();
        services.AddSingleton<Embedding.FramingPolicy>();
        services.AddSingleton<Webhooks.WebhookSecrets>();
        services.AddSingleton<Webhooks.CallbackUrlService>();
        services.AddSingleton<Webhooks.WebhookDeliveryService>();
        services.AddHttpClient(Webhooks.WebhookDeliveryHandler.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => Webhooks.CallbackDestination.CreateHandler(
                sp.GetRequiredService<IOptions<WebhookOptions>>().Value.AllowPrivateNetworks))
            .ConfigureHttpClient((sp, c) => c.Timeout = TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<WebhookOptions>>().Value.TimeoutSeconds));
        services.AddSingleton<IOutboxHandler, Webhooks.WebhookDeliveryHandler>();
        services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<OutboxProcessor>(sp, OutboxLane.WebhookDeliveries));

        // Reports page: the figures behind its charts.
        services.AddSingleton<Reports.ReportFigureService>();

        return builder;
    }
}
