using System.Diagnostics;
using CsvHelper;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Reports;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace ESignWeb.Tests.Integration;

/// <summary>The document_status CSV over 10,000 requests: every request is there, once, in order (pages of 500 joined right).</summary>
public class ReportScaleTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ESignAppFactory _app = new();

    public Task InitializeAsync() { _ = _app.Server; return Task.CompletedTask; }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Ten_thousand_requests_stream_into_one_csv_with_every_row_once()
    {
        const int count = 10_000;
        var owner = await _app.CreateUserAsync("big@example.com", "Big", "Sender");
        var now = DateTimeOffset.UtcNow;
        await using (var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            var doc = new Document { OwnerId = owner, Name = "Bulk.pdf", BlobKey = "x", Sha256 = "x", CreatedAt = now, ModifiedAt = now };
            db.Documents.Add(doc);
            await db.SaveChangesAsync();
            for (var i = 0; i < count; i++)
            {
                db.Requests.Add(new SignatureRequest
                {
                    OwnerId = owner, DocumentId = doc.Id, Name = $"Request {i}", Status = i % 3 == 0 ? RequestStatus.Complete : RequestStatus.Incomplete,
                    CreatedAt = now.AddSeconds(-i), ModifiedAt = now, SentAt = now,
                    Recipients = [new Recipient { Email = $"s{i}@example.com", FirstName = "S", LastName = $"{i}", OrderId = 1, CreatedAt = now, ModifiedAt = now }],
                });
            }
            await db.SaveChangesAsync();
        }
        var today = ReportRange.Format(DateOnly.FromDateTime(now.UtcDateTime));
        var yesterday = ReportRange.Format(DateOnly.FromDateTime(now.UtcDateTime.AddDays(-1)));
        var range = ReportRange.Parse(yesterday, today, TimeProvider.System);
        var scope = await _app.Get<ReportScopes>().OfAsync(owner);
        var file = Path.Combine(_app.DataDir, "scale.csv");
        var watch = Stopwatch.StartNew();
        await using (var stream = File.Create(file))
            await _app.Get<ReportCsv>().WriteAsync(ReportType.DocumentStatus, scope, range, stream);
        watch.Stop();

        using var csv = CsvReader.Create(await File.ReadAllBytesAsync(file), CsvReaderOptions.Default with { Separator = ',' });
        var ids = new List<int>();
        while (csv.Read()) ids.Add(int.Parse(csv.GetString("id")!));
        Assert.Equal(count, ids.Count);
        Assert.Equal(count, ids.Distinct().Count());
        Assert.Equal(ids.Order(), ids);
        output.WriteLine($"document_status over {count} requests: {watch.ElapsedMilliseconds} ms, {new FileInfo(file).Length} bytes");
    }
}
