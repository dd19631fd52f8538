using ESignWeb.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ESignWeb.Reports;

/// <summary>
/// A built report (one type, one range) and the download link mailed for it. Only the SHA-256 of the link's token is
/// stored. The row outlives its file: after <see cref="ExpiresAt"/> the blob is deleted (<see cref="BlobKey"/> null)
/// and the link answers 410 Gone instead of 404.
/// </summary>
public class ReportFile
{
    public long Id { get; set; }
    /// <summary>Who asked for it (and gets the mail).</summary>
    public string OwnerId { get; set; } = "";
    public ReportType Type { get; set; }
    public DateOnly StartDate { get; set; }
    public DateOnly EndDate { get; set; }
    /// <summary>The CSV in the blob store; null once expired and deleted.</summary>
    public string? BlobKey { get; set; }
    /// <summary>SHA-256 (hex) of the download token.</summary>
    public string TokenHash { get; set; } = "";
    /// <summary>The outbox job that built it: a retried job finds its row here instead of making a second one.</summary>
    public long OutboxMessageId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    /// <summary>When the mail with the link went out; a retried job does not mail again.</summary>
    public DateTimeOffset? MailedAt { get; set; }
}

internal sealed class ReportFileConfiguration : IEntityTypeConfiguration<ReportFile>
{
    public void Configure(EntityTypeBuilder<ReportFile> e)
    {
        e.ToTable("ReportFiles");
        e.Property(x => x.Type).HasConversion<string>().HasMaxLength(32);
        e.Property(x => x.TokenHash).IsRequired().HasMaxLength(64);
        e.HasIndex(x => x.TokenHash).IsUnique();
        e.HasIndex(x => x.OutboxMessageId).IsUnique();
        e.HasIndex(x => x.ExpiresAt);
        e.Property(x => x.BlobKey).HasMaxLength(64);
        e.HasOne<ApplicationUser>().WithMany().HasForeignKey(x => x.OwnerId).OnDelete(DeleteBehavior.Cascade);
    }
}
