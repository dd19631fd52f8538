using ESignWeb.Data;
using ESignWeb.Domain;

namespace ESignWeb.Requests;

/// <summary>
/// One row of the API's pending list as <see cref="RequestService.OpenVisibleListAsync"/> projects it: an untracked
/// <see cref="SignatureRequest"/> holding only the columns the list shows (with its recipients and categories, no
/// fields), its owner's name and address, and whether the sender placed any field (the seed's <c>has_markers</c>).
/// </summary>
public sealed record PendingListRow(SignatureRequest Request, ApplicationUser Owner, bool HasMarkers);
