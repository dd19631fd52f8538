using System.Globalization;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Outbox;
using ESignWeb.Sealing;
using ESignWeb.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// "No list may truncate silently" (issue 13), the browser pages: with more rows than their old caps (Signed files 500,
/// Outbox 200, webhook deliveries 200), paging through the Signed files, Outbox and Webhooks pages' lists gives every
/// row the user may see exactly once, in order, and nothing of anybody else's (the Outbox's account mail only to the
/// administrator). Each page is one COUNT and one page query. Rows are inserted directly, in one transaction.
/// </summary>
public class BrowserListPagingTests(BrowserListPagingTests.Seeded s) : IClassFixture<BrowserListPagingTests.Seeded>
{
    public const int SignedCount = 1234, MailCount = 450, AccountMailCount = 30, DeliveryCount = 450;

    public sealed class Seeded : IAsyncLifetime
    {
        public DashboardListTests.CommandCounter Commands { get; } = new();
        public ESignAppFactory App { get; }
        public string Admin { get; private set; } = "";
        public string Owner { get; private set; } = "";
        public string Other { get; private set; } = "";
        public List<int> Signed { get; } = [];
        public List<int> OtherSigned { get; } = [];
        public List<long> Mail { get; } = [];
        public List<long> AccountMail { get; } = [];
        public List<long> Deliveries { get; } = [];
        public List<long> OtherDeliveries { get; } = [];

        public Seeded() => App = new ESignAppFactory { TestServices = x => x.ConfigureDbContext<AppDbContext>(o => o.AddInterceptors(Commands)) };

        public async Task InitializeAsync()
        {
            _ = App.Server;
            Admin = await App.CreateUserAsync("pages-admin@example.com");
            Assert.True(await App.Get<Accounts.Administrators>().ClaimFirstAccountAsync(Admin)); // the first account: the administrator
            Owner = await App.CreateUserAsync("pages-owner@example.com");
            Other = await App.CreateUserAsync("pages-other@example.com");
            await using var db = await App.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            await using var tx = await db.Database.BeginTransactionAsync();
            var t0 = DateTimeOffset.UtcNow.AddDays(-10);
            SignedFile NewFile(string owner, int i, bool deleted = false) => new()
            {
                OwnerId = owner, Name = $"Signed {i:D4}.pdf", BlobKey = new string('0', 64), Checksum = new string('0', 64),
                OriginalChecksum = new string('0', 64), PublicIdentifier = $"PAGE-{owner[..8]}-{i:D5}-{deleted}", AuditTrailBlobKey = new string('0', 64),
                CreatedAt = t0.AddSeconds(i / 4), ModifiedAt = t0, DeletedAt = deleted ? t0 : null, // shared timestamps: the order is by id
            };
            var owned = Enumerable.Range(0, SignedCount).Select(i => NewFile(Owner, i)).ToList();
            var others = Enumerable.Range(0, 7).Select(i => NewFile(Other, i)).ToList();
            db.SignedFiles.AddRange(owned);
            db.SignedFiles.AddRange(others);
            db.SignedFiles.AddRange(Enumerable.Range(0, 5).Select(i => NewFile(Owner, 10_000 + i, deleted: true)));

            // Done messages (the processor leaves them alone): the owner's invitations, account mail, jobs that are not mail.
            OutboxMessage Message(string? owner, string kind, int i) => new()
            {
                OwnerId = owner, Kind = kind, Summary = $"{kind} {i:D4}", CreatedAt = t0, NextAttemptAt = t0, DoneAt = t0, Attempts = 1, DeliveredTo = "smtp",
            };
            var mail = Enumerable.Range(0, MailCount).Select(i => Message(Owner, OutboxKinds.SignerInvite, i)).ToList();
            var account = Enumerable.Range(0, AccountMailCount).Select(i => Message(Owner, OutboxKinds.PlainMail, i)).ToList();
            db.Outbox.AddRange(mail);
            db.Outbox.AddRange(account);
            db.Outbox.AddRange(Enumerable.Range(0, 20).Select(i => Message(Owner, OutboxKinds.Webhook, i)));
            db.Outbox.AddRange(Enumerable.Range(0, 9).Select(i => Message(Other, OutboxKinds.SignerInvite, i)));

            WebhookDelivery Delivery(string user, int i) => new()
            {
                EventId = Guid.NewGuid().ToString("N"), UserId = user, Url = "https://hooks.example.com/in", EventType = "rs.signed", Body = "{}",
                CreatedAt = t0, RetryWindowStart = t0, Status = WebhookDeliveryStatus.Delivered, Attempts = 1, LastStatusCode = 200,
            };
            var deliveries = Enumerable.Range(0, DeliveryCount).Select(i => Delivery(Owner, i)).ToList();
            var otherDeliveries = Enumerable.Range(0, 3).Select(i => Delivery(Other, i)).ToList();
            db.WebhookDeliveries.AddRange(deliveries);
            db.WebhookDeliveries.AddRange(otherDeliveries);
            await db.SaveChangesAsync();
            await tx.CommitAsync();
            Signed.AddRange(owned.Select(f => f.Id));
            OtherSigned.AddRange(others.Select(f => f.Id));
            Mail.AddRange(mail.Select(m => m.Id));
            AccountMail.AddRange(account.Select(m => m.Id));
            Deliveries.AddRange(deliveries.Select(d => d.Id));
            OtherDeliveries.AddRange(otherDeliveries.Select(d => d.Id));
        }

        public async Task DisposeAsync() => await App.DisposeAsync();
    }

    /// <summary>Every page of a list at <paramref name="size"/> until the end; checks each page's numbers on the way.</summary>
    private static async Task<List<T>> AllPagesAsync<T>(Func<PageRequest, Task<ListPage<T>>> read, int size)
    {
        var all = new List<T>();
        var request = PageRequest.First.WithPageSize(size);
        var pagesWithRows = 0;
        ListPage<T> page;
        do
        {
            page = await read(request);
            Assert.Equal((request.Page, size), (page.Page, page.PageSize));
            Assert.True(page.Rows.Count <= size);
            if (page.Rows.Count > 0)
            {
                pagesWithRows++;
                Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"{all.Count + 1:N0}–{all.Count + page.Rows.Count:N0} of {page.Total:N0}"), page.RangeText);
            }
            all.AddRange(page.Rows);
            request = request.WithPage(request.Page + 1);
        } while (page.Rows.Count == size);
        Assert.Equal(page.Total, all.Count);
        Assert.Equal(page.PageCount, pagesWithRows);
        return all;
    }

    [Fact]
    public async Task Signed_files_page_through_every_file_once_newest_first()
    {
        var files = s.App.Get<SignedFileService>();
        var all = await AllPagesAsync(p => files.ListAsync(s.Owner, p), 100);
        Assert.True(all.Count > 500, "more than the old cap");
        Assert.Equal(s.Signed.OrderDescending(), all.Select(f => f.Id)); // every one, once, newest first; no deleted file, nobody else's
        Assert.Equal(s.OtherSigned.OrderDescending(), (await AllPagesAsync(p => files.ListAsync(s.Other, p), 10)).Select(f => f.Id));

        var past = await files.ListAsync(s.Owner, PageRequest.First.WithPage(1000));
        Assert.Empty(past.Rows);
        Assert.Equal(SignedCount, past.Total);
        Assert.Equal("0 of 1,234", past.RangeText);
    }

    [Fact]
    public async Task Outbox_pages_through_every_message_once_and_account_mail_only_to_the_administrator()
    {
        var outbox = s.App.Get<OutboxQueries>();
        var owner = await AllPagesAsync(p => outbox.ListAsync(s.Owner, p), 50);
        Assert.True(owner.Count > 200, "more than the old cap");
        // Their own mail, each once, newest first; not their account mail, not jobs that are not mail.
        Assert.Equal(s.Mail.OrderDescending(), owner.Select(m => m.Id));

        var admin = await AllPagesAsync(p => outbox.ListAsync(s.Admin, p), 25);
        Assert.Equal(admin.Count, admin.Select(m => m.Id).Distinct().Count());
        Assert.Equal(admin.Select(m => m.Id).OrderDescending(), admin.Select(m => m.Id));
        Assert.Subset(admin.Select(m => m.Id).ToHashSet(), s.AccountMail.ToHashSet());
        Assert.All(admin, m => Assert.Equal(OutboxKinds.PlainMail, m.Kind)); // the administrator's own actions made no mail here
        Assert.Empty((await AllPagesAsync(p => outbox.ListAsync(s.Other, p), 100)).Where(m => s.Mail.Contains(m.Id) || s.AccountMail.Contains(m.Id)));
    }

    [Fact]
    public async Task Webhook_deliveries_page_through_every_delivery_once()
    {
        var deliveries = s.App.Get<WebhookDeliveryService>();
        var all = await AllPagesAsync(p => deliveries.ListAsync(s.Owner, p), 100);
        Assert.True(all.Count > 200, "more than the old cap");
        Assert.Equal(s.Deliveries.OrderDescending(), all.Select(d => d.Id));
        Assert.Equal(s.OtherDeliveries.OrderDescending(), (await AllPagesAsync(p => deliveries.ListAsync(s.Other, p), 25)).Select(d => d.Id));
    }

    [Fact]
    public async Task A_page_is_one_count_and_one_page_query()
    {
        var page = PageRequest.First.WithPageSize(50).WithPage(3);
        async Task<int> CommandsAsync<T>(Func<Task<ListPage<T>>> read)
        {
            s.Commands.Start();
            var rows = await read();
            s.Commands.Counting = false;
            Assert.Equal(50, rows.Rows.Count);
            return s.Commands.Count;
        }
        Assert.Equal(2, await CommandsAsync(() => s.App.Get<SignedFileService>().ListAsync(s.Owner, page)));
        Assert.Equal(2, await CommandsAsync(() => s.App.Get<WebhookDeliveryService>().ListAsync(s.Owner, page)));
        // The Outbox asks once more: is the caller the administrator (who also sees account mail)?
        Assert.Equal(3, await CommandsAsync(() => s.App.Get<OutboxQueries>().ListAsync(s.Owner, page)));
    }

    [Theory]
    [InlineData(null, null, 1, PageRequest.DefaultPageSize)]
    [InlineData("3", "50", 3, 50)]
    [InlineData("0", "7", 1, PageRequest.DefaultPageSize)]
    [InlineData("-2", "1e3", 1, PageRequest.DefaultPageSize)]
    [InlineData("1000001", "100", PageRequest.MaxPage, 100)]
    [InlineData("99999999999", " 10 ", 1, 10)]
    public void Page_and_size_come_from_the_url_and_nonsense_is_the_first_page(string? page, string? size, int expectedPage, int expectedSize)
    {
        var p = PageRequest.Parse(page, size);
        Assert.Equal((expectedPage, expectedSize), (p.Page, p.PageSize));
    }
}
