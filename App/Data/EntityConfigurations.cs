using ESignWeb.Audit;
using ESignWeb.Domain;
using ESignWeb.Templates;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ESignWeb.Data;

internal sealed class DocumentConfiguration : IEntityTypeConfiguration<Document>
{
    public void Configure(EntityTypeBuilder<Document> e)
    {
        e.Property(x => x.OwnerId).IsRequired();
        e.Property(x => x.Name).IsRequired().HasMaxLength(255).UseCollation("NOCASE");
        e.Property(x => x.BlobKey).IsRequired().HasMaxLength(64);
        e.Property(x => x.Sha256).IsRequired().HasMaxLength(64);
        e.Property(x => x.Pages).HasConversion(JsonColumn.Converter<PageGeometry>(), JsonColumn.Comparer<PageGeometry>());
        e.Property(x => x.TextTags).HasConversion(JsonColumn.Converter<TextTag>(), JsonColumn.Comparer<TextTag>());
        // Names are unique per folder (the root included) among an owner's live documents, as in Box and any file
        // system (seed: filename_exists / rename_if_exists). The unique index itself is raw SQL in migration
        // DocumentNamesPerFolder — (OwnerId, COALESCE(FolderId, 0), Name) WHERE DeletedAt IS NULL — since NULLs are
        // distinct in a plain unique index and the root is FolderId NULL; this one is its lookup twin for the model.
        e.HasIndex(x => new { x.OwnerId, x.FolderId, x.Name });
        e.HasOne<ApplicationUser>().WithMany().HasForeignKey(x => x.OwnerId).OnDelete(DeleteBehavior.Cascade);
        // Only an empty folder can be deleted: a folder with documents in it refuses (Restrict).
        e.HasOne<Folder>().WithMany().HasForeignKey(x => x.FolderId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class FolderConfiguration : IEntityTypeConfiguration<Folder>
{
    public void Configure(EntityTypeBuilder<Folder> e)
    {
        e.Property(x => x.OwnerId).IsRequired();
        e.Property(x => x.Name).IsRequired().HasMaxLength(255).UseCollation("NOCASE");
        e.HasIndex(x => new { x.OwnerId, x.ParentId, x.Name }).IsUnique();
        e.HasOne<Folder>().WithMany().HasForeignKey(x => x.ParentId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<ApplicationUser>().WithMany().HasForeignKey(x => x.OwnerId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SignatureRequestConfiguration : IEntityTypeConfiguration<SignatureRequest>
{
    public void Configure(EntityTypeBuilder<SignatureRequest> e)
    {
        e.ToTable("Requests");
        e.Property(x => x.OwnerId).IsRequired();
        e.Property(x => x.Name).IsRequired().HasMaxLength(255);
        e.Property(x => x.Message).HasMaxLength(4000);
        e.Property(x => x.VoidMessage).HasMaxLength(2000);
        e.Property(x => x.EmailSubject).HasMaxLength(255);
        e.Property(x => x.RedirectUrl).HasMaxLength(2048);
        e.Property(x => x.DeclinedRedirectUrl).HasMaxLength(2048);
        e.Property(x => x.ExternalId).HasMaxLength(255);
        e.Property(x => x.TextSignaturesEnabled).HasDefaultValue(true);
        e.HasIndex(x => new { x.OwnerId, x.ExternalId });
        // A request whose destination folder is deleted files its results in the root.
        e.HasOne<Folder>().WithMany().HasForeignKey(x => x.FolderId).OnDelete(DeleteBehavior.SetNull);
        e.Property(x => x.Cc).HasConversion(JsonColumn.Converter<string>(), JsonColumn.Comparer<string>());
        e.Property(x => x.Version).IsConcurrencyToken();
        e.HasIndex(x => new { x.OwnerId, x.Status });
        e.HasOne(x => x.Document).WithMany().HasForeignKey(x => x.DocumentId).OnDelete(DeleteBehavior.Restrict);
        e.HasMany(x => x.Recipients).WithOne(x => x.Request).HasForeignKey(x => x.RequestId).OnDelete(DeleteBehavior.Cascade);
        e.HasMany(x => x.Fields).WithOne().HasForeignKey(x => x.RequestId).OnDelete(DeleteBehavior.Cascade);
        e.HasMany(x => x.Categories).WithOne().HasForeignKey(x => x.RequestId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<ApplicationUser>().WithMany().HasForeignKey(x => x.OwnerId).OnDelete(DeleteBehavior.Cascade);
        e.HasIndex(x => x.PublicId).IsUnique();
        // Lists filter by owner and creation time (dashboard, jSign envelope list, reports): one index serves them.
        e.HasIndex(x => new { x.OwnerId, x.CreatedAt });
    }
}

internal sealed class RequestCategoryConfiguration : IEntityTypeConfiguration<RequestCategory>
{
    public void Configure(EntityTypeBuilder<RequestCategory> e)
    {
        e.ToTable("RequestCategories");
        e.Property(x => x.Name).IsRequired().HasMaxLength(Domain.Categories.MaxLength).UseCollation("NOCASE");
        e.HasIndex(x => new { x.RequestId, x.Name }).IsUnique();
        e.HasIndex(x => x.Name);
    }
}

internal sealed class RecipientConfiguration : IEntityTypeConfiguration<Recipient>
{
    public void Configure(EntityTypeBuilder<Recipient> e)
    {
        e.Property(x => x.Email).IsRequired().HasMaxLength(254);
        e.Property(x => x.FirstName).HasMaxLength(100);
        e.Property(x => x.LastName).HasMaxLength(100);
        e.Property(x => x.TokenHash).HasMaxLength(64);
        e.Property(x => x.TokenNonce).HasMaxLength(64);
        e.Property(x => x.DeclineReason).HasMaxLength(2000);
        e.Property(x => x.Language).IsRequired().HasMaxLength(8).HasDefaultValue(Localization.SignerLanguages.Default);
        e.Property(x => x.RedirectUrl).HasMaxLength(2048);
        e.Property(x => x.DeclinedRedirectUrl).HasMaxLength(2048);
        e.Property(x => x.PasswordHash).HasMaxLength(200);
        e.Property(x => x.VerificationPhone).HasMaxLength(32);
        e.Property(x => x.PhoneCodeHash).HasMaxLength(200);
        e.Property(x => x.EmbedUrlExternalUserId).HasMaxLength(255);
        e.Ignore(x => x.FullName);
        e.Ignore(x => x.Acts);
        e.HasIndex(x => x.TokenHash).IsUnique();
    }
}

internal sealed class FieldConfiguration : IEntityTypeConfiguration<Field>
{
    public void Configure(EntityTypeBuilder<Field> e)
    {
        e.Property(x => x.AdditionalInfo).IsRequired().HasMaxLength(1000);
        e.Property(x => x.Value).HasMaxLength(1000);
        e.Property(x => x.ValueSource).HasMaxLength(200);
        e.Property(x => x.DocumentTagId).HasMaxLength(100);
        e.Ignore(x => x.Rect);
        // A field belongs to a recipient of the same request; deleting the recipient deletes its fields.
        e.HasOne(x => x.Recipient).WithMany().HasForeignKey(x => x.RecipientId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SignedFileConfiguration : IEntityTypeConfiguration<SignedFile>
{
    public void Configure(EntityTypeBuilder<SignedFile> e)
    {
        e.Property(x => x.OwnerId).IsRequired();
        e.Property(x => x.Name).IsRequired().HasMaxLength(255);
        e.Property(x => x.BlobKey).IsRequired().HasMaxLength(64);
        e.Property(x => x.Checksum).IsRequired().HasMaxLength(64);
        e.Property(x => x.OriginalChecksum).IsRequired().HasMaxLength(64);
        e.Property(x => x.AuditTrailBlobKey).IsRequired().HasMaxLength(64);
        e.Property(x => x.PublicIdentifier).IsRequired().HasMaxLength(64);
        e.HasIndex(x => x.PublicIdentifier).IsUnique();
        // Exactly one signed file per request, whatever races: the second insert fails.
        e.HasIndex(x => x.RequestId).IsUnique().HasFilter("RequestId IS NOT NULL");
        e.HasIndex(x => x.OwnerId);
        // The public verify page (Evidence/VerifyService) looks a dropped file up by its SHA-256 among both.
        e.HasIndex(x => x.Checksum);
        e.HasIndex(x => x.AuditTrailBlobKey);
        e.HasOne<ApplicationUser>().WithMany().HasForeignKey(x => x.OwnerId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Folder>().WithMany().HasForeignKey(x => x.FolderId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> e)
    {
        e.Property(x => x.OwnerId).IsRequired();
        e.Property(x => x.Name).IsRequired().HasMaxLength(100);
        e.Property(x => x.Prefix).IsRequired().HasMaxLength(16);
        e.Property(x => x.KeyHash).IsRequired().HasMaxLength(64);
        e.HasIndex(x => x.KeyHash).IsUnique();
        e.HasIndex(x => x.OwnerId);
        e.HasOne<ApplicationUser>().WithMany().HasForeignKey(x => x.OwnerId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> e)
    {
        e.Property(x => x.Type).IsRequired().HasMaxLength(64)
            .HasConversion(t => t.StoredName(), s => AuditEventTypes.FromStoredName(s));
        e.Property(x => x.Hash).IsRequired().HasMaxLength(64);
        e.Property(x => x.PrevHash).IsRequired().HasMaxLength(64);
        // The chain position is unique: two concurrent appends cannot both take the same Seq.
        e.HasIndex(x => new { x.RequestId, x.Seq }).IsUnique();
    }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> e)
    {
        e.ToTable("Outbox");
        e.Property(x => x.Kind).IsRequired().HasMaxLength(64);
        e.HasIndex(x => new { x.DoneAt, x.NextAttemptAt });
        e.HasIndex(x => x.OwnerId);
        e.Property(x => x.Partition).HasMaxLength(2048);
        e.Property(x => x.LeaseToken).HasMaxLength(32);
        e.HasIndex(x => x.LeaseToken);
    }
}

internal sealed class WebhookEndpointConfiguration : IEntityTypeConfiguration<WebhookEndpoint>
{
    public void Configure(EntityTypeBuilder<WebhookEndpoint> e)
    {
        e.Property(x => x.UserId).IsRequired();
        e.Property(x => x.ClientId).IsRequired().HasMaxLength(200);
        e.Property(x => x.Url).IsRequired().HasMaxLength(2048);
        e.HasIndex(x => new { x.UserId, x.ClientId, x.Url }).IsUnique();
        e.HasOne<ApplicationUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> e)
    {
        e.Property(x => x.EventId).IsRequired().HasMaxLength(64);
        e.Property(x => x.EventType).IsRequired().HasMaxLength(64);
        e.Property(x => x.Url).IsRequired().HasMaxLength(2048);
        e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
        e.HasIndex(x => new { x.UserId, x.Id });
        e.HasOne(x => x.Outbox).WithMany().HasForeignKey(x => x.OutboxMessageId).OnDelete(DeleteBehavior.SetNull);
        e.HasIndex(x => x.EventId);
        e.HasOne<ApplicationUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        // A removed callback URL keeps its delivery history; its pending deliveries stop.
        e.HasOne<WebhookEndpoint>().WithMany().HasForeignKey(x => x.EndpointId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class EmbeddedLinkConfiguration : IEntityTypeConfiguration<EmbeddedLink>
{
    public void Configure(EntityTypeBuilder<EmbeddedLink> e)
    {
        e.Property(x => x.TokenHash).IsRequired().HasMaxLength(64);
        e.HasIndex(x => x.TokenHash).IsUnique();
        e.Property(x => x.Purpose).HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.RedirectUrl).HasMaxLength(2048);
        e.HasOne<ApplicationUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        // An embedded-sending link outlives the draft it made (sent from a template instead, the draft is deleted).
        e.HasOne<SignatureRequest>().WithMany().HasForeignKey(x => x.RequestId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class TemplateConfiguration : IEntityTypeConfiguration<Template>
{
    public void Configure(EntityTypeBuilder<Template> e)
    {
        e.Property(x => x.OwnerId).IsRequired();
        e.Property(x => x.Name).IsRequired().HasMaxLength(255);
        e.Property(x => x.Message).HasMaxLength(4000);
        e.Property(x => x.DocumentName).IsRequired().HasMaxLength(255);
        e.Property(x => x.BlobKey).IsRequired().HasMaxLength(64);
        e.Property(x => x.Sha256).IsRequired().HasMaxLength(64);
        e.Property(x => x.Pages).HasConversion(JsonColumn.Converter<PageGeometry>(), JsonColumn.Comparer<PageGeometry>());
        e.Property(x => x.Categories).HasConversion(JsonColumn.Converter<string>(), JsonColumn.Comparer<string>());
        e.HasIndex(x => x.OwnerId);
        e.HasOne<ApplicationUser>().WithMany().HasForeignKey(x => x.OwnerId).OnDelete(DeleteBehavior.Cascade);
        e.HasMany(x => x.Roles).WithOne().HasForeignKey(x => x.TemplateId).OnDelete(DeleteBehavior.Cascade);
        e.HasMany(x => x.Fields).WithOne().HasForeignKey(x => x.TemplateId).OnDelete(DeleteBehavior.Cascade);
        e.HasMany(x => x.MergeFields).WithOne().HasForeignKey(x => x.TemplateId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TemplateRoleConfiguration : IEntityTypeConfiguration<TemplateRole>
{
    public void Configure(EntityTypeBuilder<TemplateRole> e)
    {
        e.ToTable("TemplateRoles");
        e.Property(x => x.Name).IsRequired().HasMaxLength(100);
        e.Property(x => x.Color).IsRequired().HasMaxLength(40);
        e.HasIndex(x => new { x.TemplateId, x.Number }).IsUnique();
    }
}

internal sealed class TemplateFieldConfiguration : IEntityTypeConfiguration<TemplateField>
{
    public void Configure(EntityTypeBuilder<TemplateField> e)
    {
        e.ToTable("TemplateFields");
        e.Property(x => x.AdditionalInfo).IsRequired().HasMaxLength(1000);
        e.HasIndex(x => new { x.TemplateId, x.Number }).IsUnique();
    }
}

internal sealed class MergeFieldConfiguration : IEntityTypeConfiguration<MergeField>
{
    public void Configure(EntityTypeBuilder<MergeField> e)
    {
        e.ToTable("MergeFields");
        e.Property(x => x.Label).IsRequired().HasMaxLength(100);
        e.HasIndex(x => new { x.TemplateId, x.Number }).IsUnique();
    }
}
