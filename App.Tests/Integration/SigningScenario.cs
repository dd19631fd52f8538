using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Requests;
using ESignWeb.Signing;
using ESignWeb.Tests.Fixtures;
using ESignWeb.Tests.Unit;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Tests.Integration;

/// <summary>Builds sent requests through the real services and drives signers by the tokens of their links.</summary>
public sealed class SigningScenario(ESignAppFactory app)
{
    public RequestService Requests => app.Get<RequestService>();
    public SigningService Signing => app.Get<SigningService>();
    public IDbContextFactory<AppDbContext> Db => app.Get<IDbContextFactory<AppDbContext>>();

    /// <summary>The sender; set it before <see cref="SendAsync"/> to send as an existing user (else one is made).</summary>
    public string Owner { get; set; } = "";
    public int RequestId { get; set; }

    /// <summary>The PDF to send (default: a generated 2-page PDF); at least one page.</summary>
    public byte[]? Pdf { get; set; }
    /// <summary>Signature fields each signer gets (side by side) in <see cref="SendAsync"/>.</summary>
    public int SignatureFieldsPerSigner { get; set; } = 1;
    /// <summary>Sets more of the draft (options, message) before it is saved and sent in <see cref="SendAsync"/>.</summary>
    public Action<RequestDraft>? Configure { get; set; }

    /// <summary>A sent request on a 2-page PDF: each signer gets a signature and a date field on page 1.</summary>
    public async Task<SigningScenario> SendAsync(bool ordered, params string[] signers)
    {
        if (Owner.Length == 0) Owner = await app.CreateUserAsync($"owner-{Guid.NewGuid():N}@example.com", "Olga", "Owner");
        var doc = await app.Get<DocumentService>().ImportAsync(Owner, "Contract.pdf", new MemoryStream(Pdf ?? TestPdf.Pages(2)), renameIfExists: true);
        RequestId = await Requests.CreateDraftAsync(Owner, doc.Id, new Actor("owner@example.com"));
        var draft = await Requests.LoadDraftAsync(Owner, RequestId);
        draft.IsOrdered = ordered;
        var y = 700.0;
        foreach (var email in signers)
        {
            Assert.Null(DraftEditor.AddSigner(draft, email, email.Split('@')[0], "Signer"));
            var key = draft.Signers[^1].Key;
            for (var i = 0; i < SignatureFieldsPerSigner; i++)
                DraftEditor.AddField(draft, FieldType.Signature, key, 1, SignatureFieldsPerSigner == 1 ? new PdfRect(72, y, 160, 40) : new PdfRect(72 + i * 55, y, 50, 40));
            DraftEditor.AddField(draft, FieldType.Date, key, 1, new PdfRect(300, y, 110, 32));
            y -= 50;
            if (y < 60) y = 700;
        }
        DraftEditor.SetCc(draft, ["cc@example.com"]);
        Configure?.Invoke(draft);
        await Requests.SaveDraftAsync(Owner, draft);
        await Requests.SendAsync(Owner, RequestId, new Actor("owner@example.com"));
        return this;
    }

    public async Task<string> TokenOfAsync(string email)
    {
        await using var db = await Db.CreateDbContextAsync();
        var r = await db.Recipients.AsNoTracking().SingleAsync(x => x.RequestId == RequestId && x.Email == email);
        return app.Get<RecipientTokens>().TokenFor(r)!;
    }

    /// <summary>Opens, consents, fills every own field (drawn signature, today's date) and finishes.</summary>
    public async Task SignAsync(string email) => await SignWithTokenAsync(await TokenOfAsync(email));

    /// <summary>The same with any token that opens a signer's page (e.g. an embedded signing link's).</summary>
    public async Task SignWithTokenAsync(string token)
    {
        await PrepareWithTokenAsync(token);
        await Signing.FinishAsync(token, Actor);
    }

    private static readonly Actor Actor = new(null, "127.0.0.1", "test-agent/1.0");

    /// <summary>Everything but Finish: opens, consents and fills every own field; returns the signer's token.</summary>
    public async Task<string> PrepareAsync(string email)
    {
        var token = await TokenOfAsync(email);
        await PrepareWithTokenAsync(token);
        return token;
    }

    /// <summary>Finishes for a signer prepared with <see cref="PrepareAsync"/>.</summary>
    public Task FinishAsync(string token) => Signing.FinishAsync(token, Actor);

    private async Task PrepareWithTokenAsync(string token)
    {
        var actor = Actor;
        var session = await Signing.OpenAsync(token, actor);
        Assert.Equal(SigningState.Ready, session.State);
        await Signing.ConsentAsync(token, actor);
        foreach (var f in session.MyFields)
        {
            var input = f.Type switch
            {
                FieldType.Signature or FieldType.Initials => new FieldInput(Image: TestImages.SignaturePng(), Source: "draw"),
                FieldType.Date => new FieldInput(Text: DateFormats.Format(new DateOnly(2026, 11, 22), SigningService.EffectiveDateFormat(f.DateFormat, null))),
                FieldType.Checkbox => new FieldInput(Checked: true),
                _ => new FieldInput(Text: "Value " + session.RecipientEmail),
            };
            await Signing.FillAsync(token, f.Id, input);
        }
    }

    public async Task<SignatureRequest> LoadAsync()
    {
        await using var db = await Db.CreateDbContextAsync();
        return await db.Requests.AsNoTracking().Include(r => r.Recipients).Include(r => r.Fields).SingleAsync(r => r.Id == RequestId);
    }

    public async Task<SignatureRequest> WaitForStatusAsync(RequestStatus status, int seconds = 30)
    {
        SignatureRequest? r = null;
        await Poll.UntilTrueAsync(async () => (r = await LoadAsync()).Status == status, $"request {RequestId} {status}", seconds,
            () => Task.FromResult($"Request {RequestId} is {r?.Status}, not {status}."));
        return r!;
    }
}
