using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ESignWeb.Storage;

/// <summary>Where blobs are kept (<c>ESign:Storage:Provider</c>).</summary>
public enum StorageProviderKind
{
    /// <summary>Files under <c>&lt;DataPath&gt;/blobs</c> (<see cref="FileSystemBlobStore"/>): the default.</summary>
    FileSystem,

    /// <summary>Rows in the database, in chunks (<see cref="DatabaseBlobStore"/>): nothing shared on disk.</summary>
    Database,
}

/// <summary>
/// A complete blob in the database store: its key (the SHA-256 of the content) points at the chunks written under
/// <see cref="ContentId"/>. The row is inserted only after every chunk is written, so a half-written blob is never visible.
/// </summary>
public sealed class StoredBlob
{
    public string Key { get; set; } = "";
    /// <summary>The id the writer gave its chunks (a random GUID, one per write).</summary>
    public string ContentId { get; set; } = "";
    public long Length { get; set; }
    /// <summary>Bytes per chunk (every chunk but the last is full).</summary>
    public int ChunkBytes { get; set; }
    /// <summary>When it was last stored (or stored again): the sweeper's grace period counts from here.</summary>
    public DateTimeOffset StoredAt { get; set; }
}

/// <summary>One chunk of a blob's content (<see cref="StoredBlob.ContentId"/>, 0-based <see cref="Number"/>).</summary>
public sealed class BlobChunk
{
    public string ContentId { get; set; } = "";
    public int Number { get; set; }
    public byte[] Bytes { get; set; } = [];
    /// <summary>When it was written: chunks no blob adopted (a writer that died) are swept after the grace period.</summary>
    public DateTimeOffset WrittenAt { get; set; }
}

internal sealed class StoredBlobConfiguration : IEntityTypeConfiguration<StoredBlob>
{
    public void Configure(EntityTypeBuilder<StoredBlob> b)
    {
        b.ToTable("StoredBlobs");
        b.HasKey(x => x.Key);
        b.Property(x => x.Key).HasMaxLength(64);
        b.Property(x => x.ContentId).HasMaxLength(32);
        b.HasIndex(x => x.ContentId).IsUnique();
    }
}

internal sealed class BlobChunkConfiguration : IEntityTypeConfiguration<BlobChunk>
{
    public void Configure(EntityTypeBuilder<BlobChunk> b)
    {
        b.ToTable("BlobChunks");
        b.HasKey(x => new { x.ContentId, x.Number });
        b.Property(x => x.ContentId).HasMaxLength(32);
        b.HasIndex(x => x.WrittenAt);
    }
}
