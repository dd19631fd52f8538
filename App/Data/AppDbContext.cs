using ESignWeb.Domain;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Data;

public class AppDbContext(DbContextOptions<AppDbContext> options) : IdentityDbContext<ApplicationUser>(options)
{
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

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
        // OAuth 2 (issue 14): OpenIddict's applications, authorizations, scopes and tokens (App/OAuth).
        builder.UseOpenIddict();
        builder.Entity<ApplicationUser>().HasIndex(u => u.ApiNumber).IsUnique().HasFilter("ApiNumber IS NOT NULL");
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configuration)
    {
        // SQLite cannot order or compare DateTimeOffset natively: store UTC ticks (sortable, exact).
        configuration.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetTicksConverter>();
        configuration.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetTicksConverter>();
    }
}
