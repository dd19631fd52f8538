using System.Security.Cryptography;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Sealing;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Evidence;

/// <summary>The answers of the public verify page (one vocabulary: <see cref="VerifyWords"/>).</summary>
public enum VerifyOutcome
{
    /// <summary>Not a document sealed by this instance (or not one it can say anything about): unrelated, garbage, empty.</summary>
    NotOurs,
    /// <summary>The sealed PDF of a signed file, byte for byte.</summary>
    SealedUnchanged,
    /// <summary>The audit trail PDF of a signed file, byte for byte.</summary>
    AuditTrailUnchanged,
    /// <summary>Signed by this instance (or naming one of its signed files), but not the bytes it issued.</summary>
    Modified,
}

/// <summary>One signer as the verify page shows them: the name and a masked e-mail (<see cref="EmailMask"/>).</summary>
public sealed record VerifiedSigner(string Name, string MaskedEmail, DateTimeOffset? SignedAt);

/// <summary>The verify page's answer. Only <see cref="VerifyOutcome.SealedUnchanged"/> and
/// <see cref="VerifyOutcome.AuditTrailUnchanged"/> carry the document's details; <see cref="VerifyOutcome.Modified"/>
/// carries at most the reference; <see cref="VerifyOutcome.NotOurs"/> nothing.</summary>
public sealed record VerifyResult(VerifyOutcome Outcome, string? Reference = null, string? DocumentName = null, DateTimeOffset? CompletedAt = null,
    IReadOnlyList<VerifiedSigner>? Signers = null, SignatureCheck? Signature = null)
{
    public static readonly VerifyResult NotOurs = new(VerifyOutcome.NotOurs);
}

/// <summary>What the page shows after a post: an error (nothing checked) or a result.</summary>
public sealed record VerifyAnswer(string? Error, VerifyResult? Result);

/// <summary>The verify page's fixed sentences, in one place.</summary>
public static class VerifyWords
{
    public static string Headline(VerifyOutcome o) => o switch
    {
        VerifyOutcome.SealedUnchanged => "Sealed by this instance — unchanged",
        VerifyOutcome.AuditTrailUnchanged => "Audit trail issued by this instance — unchanged",
        VerifyOutcome.Modified => "Sealed by this instance — MODIFIED since",
        _ => "Not a document sealed by this instance",
    };

    public static string Signature(SignatureCheck? s) => s switch
    {
        null or { Found: false } => "No embedded signature found",
        { Intact: true, TimestampedAt: { } t } => $"Valid, by this instance's seal certificate, covering the whole file; timestamped {t.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC",
        { Intact: true } => "Valid, by this instance's seal certificate, covering the whole file",
        { SignerIsInstance: false } => "Present, but not made by this instance's seal certificate",
        { SignatureValid: false } or { DigestMatches: false } => "INVALID: the signed bytes were changed",
        _ => "Valid for the signed part, but content was added after signing",
    };
}

/// <summary>
/// The verify domain: the SHA-256 of an uploaded file is looked up among the signed files' sealed PDFs
/// (<see cref="SignedFile.Checksum"/>) and audit trails (<see cref="SignedFile.AuditTrailBlobKey"/>: blob keys are
/// the content's SHA-256). Deleted signed files still verify: the evidence outlives the sender's inbox. An unknown hash
/// is "modified" only when the embedded signature is this instance's (or the file names one of its signed files in
/// <c>/ESignWebReference</c>); anything else gets the one "not ours" answer, whatever the reason.
/// </summary>
public sealed class VerifyService(IDbContextFactory<AppDbContext> dbFactory, SigningCertificate certificate,
    Microsoft.Extensions.Options.IOptions<Hosting.ESignOptions> options)
{
    /// <summary>
    /// The page's form post: the uploaded file (already spooled by the form reader: past 64 KiB to a temp file) checked
    /// as it is, or the reason it was not. A missing choice and a file over the upload limit are errors; an empty file
    /// is simply "not ours".
    /// </summary>
    public async Task<VerifyAnswer> CheckUploadAsync(Microsoft.AspNetCore.Http.IFormFile? file, CancellationToken ct = default)
    {
        if (file is null || string.IsNullOrEmpty(file.FileName)) return new VerifyAnswer("Choose a PDF file to check.", null);
        var max = options.Value.MaxUploadBytes;
        if (file.Length > max) return new VerifyAnswer($"This file is larger than the {options.Value.MaxUploadMegabytes} MB limit: it cannot be checked here.", null);
        await using var stream = file.OpenReadStream();
        return new VerifyAnswer(null, await VerifyAsync(stream, ct));
    }

    /// <summary>Checks <paramref name="file"/> (seekable; read twice, streamed, never copied into memory).</summary>
    public async Task<VerifyResult> VerifyAsync(Stream file, CancellationToken ct = default)
    {
        if (!file.CanSeek || file.Length == 0) return VerifyResult.NotOurs;
        file.Position = 0;
        var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var match = await db.SignedFiles.AsNoTracking().IgnoreQueryFilters()
            .Where(f => f.Checksum == sha || f.AuditTrailBlobKey == sha).OrderBy(f => f.Id).FirstOrDefaultAsync(ct);
        var signature = EmbeddedSignature.Check(file, certificate.Certificate);
        if (match is not null)
        {
            var outcome = match.Checksum == sha ? VerifyOutcome.SealedUnchanged : VerifyOutcome.AuditTrailUnchanged;
            return new VerifyResult(outcome, match.PublicIdentifier, match.Name, match.CreatedAt, await SignersAsync(db, match, ct), signature);
        }

        string? reference = null;
        if (EmbeddedSignature.LastLiteral(file, Sealing.PdfEvidence.ReferenceKey) is { } named &&
            await db.SignedFiles.AsNoTracking().IgnoreQueryFilters().AnyAsync(f => f.PublicIdentifier == named, ct))
            reference = named;
        if (signature.SignerIsInstance || reference is not null)
            return new VerifyResult(VerifyOutcome.Modified, reference);
        return VerifyResult.NotOurs;
    }

    private static async Task<IReadOnlyList<VerifiedSigner>> SignersAsync(AppDbContext db, SignedFile f, CancellationToken ct)
    {
        if (f.RequestId is { } requestId)
        {
            var r = await db.Requests.AsNoTracking().IgnoreQueryFilters().Include(x => x.Recipients).SingleOrDefaultAsync(x => x.Id == requestId, ct);
            if (r is not null)
                return RequestWorkflow.Actors(r).Select(x => new VerifiedSigner(x.FullName, EmailMask.Mask(x.Email), x.FinalizedAt)).ToList();
        }
        var owner = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == f.OwnerId, ct);
        return owner is null ? [] : [new VerifiedSigner(owner.DisplayName, EmailMask.Mask(owner.Email), f.CreatedAt)];
    }
}
