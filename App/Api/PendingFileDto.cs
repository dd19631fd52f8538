using ESignWeb.Data;
using ESignWeb.Domain;

namespace ESignWeb.Api;

/// <summary>Seed: the pending file object (a signature request). <c>logo</c> is null (no white labelling, as in the seed's list example).</summary>
public sealed record PendingFileDto(
    long CreatedTime, int Id, int IsOrdered, long LastModifiedTime, string? Logo, string Name, int? Next,
    string OwnerEmail, string OwnerFirstName, string OwnerLastName, string OwnerCompany, int HasMarkers,
    IReadOnlyList<RecipientDto> Recipients, string Status)
{
    public static PendingFileDto Of(SignatureRequest r, ApplicationUser owner) => new(
        ApiJson.Epoch(r.SentAt ?? r.CreatedAt), r.Id, r.IsOrdered ? 1 : 0, ApiJson.Epoch(r.ModifiedAt), null, r.Name,
        RequestWorkflow.Next(r)?.Id, owner.Email ?? "", owner.FirstName, owner.LastName, "", // owner_company: a string in the seed; we keep none
        r.Fields.Any(f => !f.AddedBySigner) ? 1 : 0,
        RequestWorkflow.InOrder(r).Select(x => new RecipientDto(ApiJson.Epoch(x.CreatedAt), x.Email, x.FirstName, x.LastName,
            ApiJson.Epoch(x.ModifiedAt), x.OrderId, x.Id, WireNames.Of(x.Status))).ToList(),
        WireNames.Of(r.Status));
}

public sealed record RecipientDto(long CreatedTime, string Email, string FirstName, string LastName, long LastModifiedTime,
    int OrderId, int RecipientId, string Status);

/// <summary>Seed: the signed file object (<c>pending_file</c> is null for a self-signed document).</summary>
public sealed record SignedFileDto(long CreatedTime, string Checksum, int Id, long LastModifiedTime, string Name,
    PendingFileDto? PendingFile, string PublicIdentifier)
{
    public static SignedFileDto Of(SignedFile f, SignatureRequest? r, ApplicationUser owner) => new(
        ApiJson.Epoch(f.CreatedAt), f.Checksum, f.Id, ApiJson.Epoch(f.ModifiedAt), f.Name,
        r is null ? null : PendingFileDto.Of(r, owner), f.PublicIdentifier);
}
