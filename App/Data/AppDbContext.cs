using ESignWeb.Domain;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Data;

public class AppDbContext : IdentityDbContext<ApplicationUser>, Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.IDataProtectionKeyContext
{
    public AppDbContext(DbContextOptions<AppDbContext> options) : base(options) { }

    /// <summary>Identity's store schema (Version 3: passkeys); the app's IdentityOptions and design-time contexts use it.</summary>
    public static Version IdentitySchemaVersion => Microsoft.AspNetCore.Identity.IdentitySchemaVersions.Version3;

    /// <summary>For <see cref="PostgreSqlDbContext"/> (the same model, its own migrations).</summary>
    protected AppDbContext(DbContextOptions options) : base(options) { }

    public DbSet<Document> Documents => Set<Document>();
    public DbSet<Folder> Folders => Set<Folder>();
    public DbSet<SignatureRequest> Requests => Set<SignatureRequest>();
    public DbSet<Recipient> Recipients => Set<Recipient>();
    public DbSet<Field> Fields => Set<Field>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<SignedFile> SignedFiles => Set<SignedFile>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<WebhookEndpoint> WebhookEndpoints => Set<WebhookEndpoint>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<EmbeddedLink> EmbeddedLinks => Set<EmbeddedLink>();
    public DbSet<Templates.Template> Templates => Set<Templates.Template>();
    public DbSet<RequestCategory> RequestCategories => Set<RequestCategory>();
    public DbSet<OAuth.OAuthEvent> OAuthEvents => Set<OAuth.OAuthEvent>();
    /// <summary>The Data Protection key ring, shared by every instance (Secrets/SharedKeyRing).</summary>
    public DbSet<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey> DataProtectionKeys => Set<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey>();
    /// <summary>The signing-link key, the instance certificate and the OAuth keys, encrypted (Secrets/InstanceSecrets).</summary>
    public DbSet<Secrets.InstanceSecret> InstanceSecrets => Set<Secrets.InstanceSecret>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
        // OAuth 2 (issue 14): OpenIddict's applications, authorizations, scopes and tokens (App/OAuth).
        builder.UseOpenIddict();
        builder.Entity<ApplicationUser>().HasIndex(u => u.ApiNumber).IsUnique().HasFilter("ApiNumber IS NOT NULL");
        DatabaseProvider.AdaptModel(builder, Database);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configuration)
    {
        // SQLite cannot order or compare DateTimeOffset natively: store UTC ticks (sortable, exact).
        configuration.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetTicksConverter>();
        configuration.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetTicksConverter>();
    }
}
