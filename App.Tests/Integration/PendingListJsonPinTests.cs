using System.Net;
using System.Text.Json;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// Issue 15: the uncached pending list may be rewritten for speed, but its JSON may not change by one byte. A small
/// list seeded with every option the pending file object shows (HTML messages cleaned on the way out, Box options,
/// folders, signer options, masked phone numbers for a recipient, a draft to prepare, placed fields) is pinned two
/// ways: every item is byte for byte the answer of <c>GET /v1/files/pending/{id}</c> (the entity path, which the list
/// must agree with), and the whole body equals the one recorded before the list was rewritten
/// (<see cref="PendingListGolden"/>). Runs on the provider of the test run (ESIGN_TEST_DATABASE).
/// </summary>
public class PendingListJsonPinTests
{
    private static readonly DateTimeOffset Newest = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private static async Task<(ESignAppFactory App, HttpClient Owner, HttpClient Recipient)> SeedAsync()
    {
        var app = new ESignAppFactory();
        var owner = await app.CreateUserAsync("pin.owner@example.com", "Pia", "Pinner");
        var recipient = await app.CreateUserAsync("signer1.1@example.com", "Signer1", "Number1"); // a recipient of request 1 (seed index 1)
        await using (var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            var ids = await RequestSeed.AddRequestsAsync(db, owner, 9, Newest, i => i % 3 == 0 ? ["NDA"] : i % 3 == 1 ? ["Sales", "Agreement"] : [], "Pin");
            var folder = new Folder { OwnerId = owner, Name = "Contracts", CreatedAt = Newest, ModifiedAt = Newest };
            db.Folders.Add(folder);
            await db.SaveChangesAsync();
            var requests = await db.Requests.Include(r => r.Recipients).Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id);
            var r0 = requests[ids[0]];
            r0.Message = "Please sign <b>today</b>, see https://example.com/terms. <script>alert(1)</script><span>kept text</span> & more";
            r0.EmailSubject = "Sign \"this\" <now>";
            r0.RemindersEnabled = true;
            r0.TextSignaturesEnabled = false;
            r0.SignatureColor = SignatureColor.Blue;
            r0.DaysValid = 7;
            r0.AutoExpireAt = Newest.AddDays(7).AddSeconds(0.7);
            r0.RedirectUrl = "https://example.com/done?a=1&b=é";
            r0.DeclinedRedirectUrl = "https://example.com/declined";
            r0.ExternalId = "ext-ü-1";
            r0.PhoneVerificationRequired = true;
            r0.FolderId = folder.Id;
            r0.DownloadedAt = Newest;
            InOrder(r0)[0].VerificationPhone = "+15551234567";
            InOrder(r0)[0].PasswordHash = "hash";
            InOrder(r0)[0].RedirectUrl = "https://example.com/r0";
            InOrder(r0)[0].LoginRequired = true;
            InOrder(r0)[0].EmbedUrlExternalUserId = "user-42";
            var r1 = requests[ids[1]];
            r1.Message = "Hello 👋 <a href=\"javascript:x\">bad</a> <a href=\"https://example.com/x\">good</a>\nline two";
            InOrder(r1)[1].VerificationPhone = "+4915112345678";
            InOrder(r1)[1].Role = RecipientRole.Approver;
            InOrder(r1)[1].IsInPerson = true;
            InOrder(r1)[1].ViewedAt = Newest;
            r1.Fields.Add(new Field { RecipientId = InOrder(r1)[0].Id, Type = FieldType.Signature, PageNumber = 1, X = 72, Y = 72, Width = 100, Height = 30 });
            var r3 = requests[ids[3]];
            r3.Fields.Add(new Field { RecipientId = InOrder(r3)[0].Id, Type = FieldType.Text, PageNumber = 1, X = 72, Y = 72, Width = 100, Height = 30, AddedBySigner = true });
            var draft = requests[ids[2]]; // a draft created to be prepared: listed with its prepare_url
            draft.PreparationNeeded = true;
            await db.SaveChangesAsync();
        }
        var (ownerClient, _) = await app.ApiClientAsync(owner);
        var (recipientClient, _) = await app.ApiClientAsync(recipient);
        return (app, ownerClient, recipientClient);
    }

    /// <summary>A request's recipients by id (the order they were seeded in, whatever order the provider returned them).</summary>
    private static List<Recipient> InOrder(SignatureRequest r) => r.Recipients.OrderBy(x => x.Id).ToList();

    private static async Task<string> GetAsync(HttpClient c, string path)
    {
        var r = await c.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return await r.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task Every_item_of_the_list_is_byte_for_byte_the_single_pending_file_and_the_whole_list_is_unchanged()
    {
        var (app, owner, recipient) = await SeedAsync();
        await using var _ = app;
        foreach (var (client, expected) in new[] { (owner, PendingListGolden.Owner), (recipient, PendingListGolden.Recipient) })
        {
            var body = await GetAsync(client, "/v1/files/pending/");
            var files = JsonDocument.Parse(body).RootElement.GetProperty("files");
            Assert.NotEqual(0, files.GetArrayLength());
            foreach (var file in files.EnumerateArray())
            {
                var single = await GetAsync(client, $"/v1/files/pending/{file.GetProperty("id").GetInt32()}");
                Assert.Equal(single, file.GetRawText());
            }
            if (Environment.GetEnvironmentVariable("ESIGN_WRITE_GOLDEN") is { Length: > 0 } path)
                File.AppendAllText(path, body + "\n"); // re-recording: the comparison below is what it replaces
            else
                Assert.Equal(expected, body);
        }
    }
}
