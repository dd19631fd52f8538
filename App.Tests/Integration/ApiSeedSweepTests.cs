using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ESignWeb.Audit;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Sealing;
using ESignWeb.Signing;
using ESignWeb.Tests.Fixtures;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// The seed sweep (shared/seeds/signeasy-api-v1.txt): every implemented endpoint called as the seed's example shows it
/// (same parameter names, same body encoding), its response compared with the seed's example response by
/// <see cref="SeedShape"/> (keys and JSON kinds, recursively), and status names checked against the seed's vocabulary.
/// Where we deliberately differ, docs/api.md decides and the call site says so.
/// </summary>
public class ApiSeedSweepTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;

    public ApiSeedSweepTests(ESignAppFactory app)
    {
        _app = app;
        _ = app.Server;
    }

    // ---- Seed examples, copied from the seed ----

    /// <summary>Seed "The original file object" / "Retrieve an original file".</summary>
    private const string SeedOriginalFile = """
        {
          "created_time": 1408949190,
          "id": 3114302,
          "last_modified_time": 1408949111,
          "name": "NDA.pdf"
        }
        """;

    /// <summary>Seed "Retrieve all original files".</summary>
    private const string SeedOriginalFiles = """
        {
          "count":3,
          "files":[
            {
              "created_time":1408948557,
              "id":3114300,
              "last_modified_time":1408948477,
              "name":"H000180CM010780_.pdf"
            },
            {
              "created_time":1408949190,
              "id":3114302,
              "last_modified_time":1408949111,
              "name":"intl_nuñez.pdf"
            },
            {
              "created_time":1408947448,
              "id":3114298,
              "last_modified_time":1408947448,
              "name":"Try it now - demo.pdf"
            }
          ]
        }
        """;

    /// <summary>Seed "Import a new document" errors; "Rename a signed file" has the same filename_exists body.</summary>
    private const string SeedFilenameExists = """
        {
            "error_code": "filename_exists",
            "message": "There is already a file with the same name. Please use a different name."
        }
        """;

    private const string SeedFileConversionFailure = """
        {
            "error_code": "file_conversion_failure",
            "message": "File could not be converted to PDF."
        }
        """;

    /// <summary>Seed "Delete an original file" error (and, keys reordered, "Create a signature request").</summary>
    private const string SeedUnauthorizedResource = """
        {
        	 "error_code": "unauthorized_resource",
        	 "message": "Unauthorized"
        }
        """;

    /// <summary>Seed "The pending file object" / "Retrieve a pending file (signature request)".</summary>
    private const string SeedPendingFile = """
        {
          "created_time":1439460908,
          "id":69,
          "is_ordered":1,
          "last_modified_time":1439460908,
          "logo":"https://s3.amazonaws.com/selogos/700888/logo.png",
          "name":"NDA",
          "next":110,
          "owner_email":"shannon.adams@acme.com",
          "owner_first_name":"Shannon",
          "owner_last_name":"Adams",
          "owner_company":"ACME Corp.",
          "has_markers":0,
          "recipients":[
            {
              "created_time":1439460908,
              "email":"jack@company.com",
              "first_name":"Jack",
              "last_name":"Wilshere",
              "last_modified_time":1439460908,
              "order_id":1,
              "recipient_id":110,
              "status":"not_viewed"
            },
            {
              "created_time":1439460908,
              "email":"arsene@company.com",
              "first_name":"Arsene",
              "last_name":"Weng",
              "last_modified_time":1439460908,
              "order_id":2,
              "recipient_id":111,
              "status":"not_viewed"
            }
          ],
          "status":"incomplete"
        }
        """;

    /// <summary>Seed "Retrieve a signed file" (its pending_file is the pending file object above).</summary>
    private const string SeedSignedFile = """
        {
          "created_time":1409296771,
          "checksum":"bc3dc717816e9ef027600c57b8370b1bd5fc50fe72d2b746d9",
          "id":1085102,
          "last_modified_time":1409296771,
          "name":"NDA for ACME.pdf",
          "pending_file":{
          "created_time":1439460908,
          "id":69,
          "is_ordered":1,
          "last_modified_time":1439460908,
          "logo":"https://s3.amazonaws.com/selogos/700888/logo.png",
          "name":"NDA",
          "next":110,
          "owner_email":"shannon.adams@acme.com",
          "owner_first_name":"Shannon",
          "owner_last_name":"Adams",
          "owner_company":"ACME Corp.",
          "has_markers":0,
          "recipients":[
            {
              "created_time":1439460908,
              "email":"jack@company.com",
              "first_name":"Jack",
              "last_name":"Wilshere",
              "last_modified_time":1439460908,
              "order_id":1,
              "recipient_id":110,
              "status":"not_viewed"
            },
            {
              "created_time":1439460908,
              "email":"arsene@company.com",
              "first_name":"Arsene",
              "last_name":"Weng",
              "last_modified_time":1439460908,
              "order_id":2,
              "recipient_id":111,
              "status":"not_viewed"
            }
          ],
          "status":"incomplete"
        },
          "public_identifier":"E740MX4j3vFOobTo7iWLZQ=="
        }
        """;

    /// <summary>Seed "The signed file object" (a self-signed file: pending_file null).</summary>
    private const string SeedSelfSignedFile = """
        {
           "created_time":1409296771,
           "checksum":"bc3dc717816e9ef027600c57b8370b1bd5fc50fe72d2b746d9",
           "id":1085102,
           "last_modified_time":1409296771,
           "name":"NDA for ACME.pdf",
           "pending_file":null,
           "public_identifier":"E740MX4j3vFOobTo7iWLZQ=="
        }
        """;

    /// <summary>Seed "Retrieve all signed files" (arrays are compared by their first element: a self-signed file).</summary>
    private const string SeedSignedFiles = """
        {
          "count": 2,
          "files": [
            {
              "created_time": 1409296771,
              "checksum": "bc3dc717816e9ef027600c57b8373bf6943e3407320b1bd5fc50fe72d2b746d9",
              "id": 1085102,
              "last_modified_time": 1409296771,
              "name": "H000180CM010780_.pdf",
              "pending_file": null,
              "public_identifier": "9Bu9ULkQboiY2uB9Ff7Iig=="
            },
            {
              "created_time": 1409296771,
              "checksum": "bc3dc717816e9ef027600c57b8370b1bd5fc50fe72d2b746d9",
              "id": 1085102,
              "last_modified_time": 1409296771,
              "name": "NDA for ACME.pdf",
              "pending_file": {
                "created_time": 1439460908,
                "id": 69,
                "is_ordered": 1,
                "last_modified_time": 1439460908,
                "logo": "https://s3.amazonaws.com/selogos/700888/logo.png",
                "name": "NDA",
                "next": 110,
                "owner_email": "shannon.adams@acme.com",
                "owner_first_name": "Shannon",
                "owner_last_name": "Adams",
                "owner_company": "ACME Corp.",
                "has_markers": 0,
                "recipients": [
                  {
                    "created_time": 1439460908,
                    "email": "jack@company.com",
                    "first_name": "Jack",
                    "last_name": "Wilshere",
                    "last_modified_time": 1439460908,
                    "order_id": 1,
                    "recipient_id": 110,
                    "status": "not_viewed"
                  },
                  {
                    "created_time": 1439460908,
                    "email": "arsene@company.com",
                    "first_name": "Arsene",
                    "last_name": "Weng",
                    "last_modified_time": 1439460908,
                    "order_id": 2,
                    "recipient_id": 111,
                    "status": "not_viewed"
                  }
                ],
                "status": "incomplete"
              },
              "public_identifier": "E740MX4j3vFOobTo7iWLZQ=="
            }
          ]
        }
        """;

    /// <summary>Seed "Retrieve all pending signature requests".</summary>
    private const string SeedPendingFiles = """
        {
           "count":2,
           "files":[
              {
                 "created_time":1439460908,
                 "id":69,
                 "is_ordered":1,
                 "last_modified_time":1439460908,
                 "logo":"https://s3.amazonaws.com/selogos/700888/logo.png",
                 "name":"NDA",
                 "next":110,
                 "owner_email":"shannon.adams@acme.com",
                 "owner_first_name":"Shannon",
                 "owner_last_name":"Adams",
                 "owner_company":"ACME Corp.",
                 "has_markers":0,
                 "recipients":[
                    {
                       "created_time":1439460908,
                       "email":"jack@company.com",
                       "first_name":"Jack",
                       "last_name":"Wilshere",
                       "last_modified_time":1439460908,
                       "order_id":1,
                       "recipient_id":110,
                       "status":"not_viewed"
                    },
                    {
                       "created_time":1439460908,
                       "email":"arsene@company.com",
                       "first_name":"Arsene",
                       "last_name":"Weng",
                       "last_modified_time":1439460908,
                       "order_id":2,
                       "recipient_id":111,
                       "status":"not_viewed"
                    }
                 ],
                 "status":"incomplete"
              },
              {
                 "created_time":1439460908,
                 "id":69,
                 "is_ordered":1,
                 "last_modified_time":1439460908,
                 "logo":null,
                 "name":"Contract with Nelson",
                 "next":110,
                 "owner_email":"shannon@acme.com",
                 "owner_first_name":"Shannon",
                 "owner_last_name":"Adams",
                 "owner_company":"ACME Corp.",
                 "has_markers":1,
                 "recipients":[
                    {
                       "created_time":1439460908,
                       "email":"michael@company.com",
                       "first_name":"Michael",
                       "last_name":"Carr",
                       "last_modified_time":1439460908,
                       "order_id":1,
                       "recipient_id":110,
                       "status":"not_viewed"
                    },
                    {
                       "created_time":1439460908,
                       "email":"jose@company.com",
                       "first_name":"Jose",
                       "last_name":"Muller",
                       "last_modified_time":1439460908,
                       "order_id":2,
                       "recipient_id":111,
                       "status":"not_viewed"
                    }
                 ],
                 "status":"incomplete"
              }
           ]
        }
        """;

    /// <summary>Seed "Create a signature request" and "… with fields".</summary>
    private const string SeedPendingFileId = """
        {
            "pending_file_id": 345
        }
        """;

    /// <summary>Seed "Download the audit trail" error.</summary>
    private const string SeedAuditTrailError = """
        {
            "error_code": "audit_trial_generation_failed", 
            "error_details": "You do not have permission to view this file.", 
            "msg": "Failed to generate audit trail."
        }
        """;

    /// <summary>Seed, pending file object: status is "One of incomplete, complete, recipient_declined, canceled."</summary>
    private static readonly string[] SeedPendingStatuses = ["incomplete", "complete", "recipient_declined", "canceled"];

    /// <summary>Seed, pending file object: recipients.status is "One of viewed, not_viewed, declined, finalized."</summary>
    private static readonly string[] SeedRecipientStatuses = ["viewed", "not_viewed", "declined", "finalized"];

    // Nulls where the seed's example has a value, each a seed reading (docs/api.md, "Values we do not have"):
    // logo: "Link to the logo of the user, in case white labelling was turned on"; we have none, and the seed's own
    //       "Retrieve all pending signature requests" example has "logo":null.
    // next: "This will be null in case of parallel signing"; null too when nobody is due (complete, canceled, declined).

    // ---- Helpers ----

    private async Task<(string Owner, HttpClient Client)> ShannonAsync()
    {
        var owner = await _app.CreateUserAsync($"shannon.adams-{Guid.NewGuid():N}@acme.com", "Shannon", "Adams");
        return (owner, (await _app.ApiClientAsync(owner, "seed-sweep")).Client);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage r, HttpStatusCode expected)
    {
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == expected, $"{r.RequestMessage?.Method} {r.RequestMessage?.RequestUri} answered {(int)r.StatusCode}: {text}");
        Assert.Equal("application/json", r.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Seed "Import a new document": Form Data name, file, rename_if_exists (multipart).</summary>
    private static MultipartFormDataContent ImportForm(string name, byte[] file, string? renameIfExists = null)
    {
        var form = new MultipartFormDataContent { { new StringContent(name), "name" } };
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(part, "file", name);
        if (renameIfExists is not null) form.Add(new StringContent(renameIfExists), "rename_if_exists");
        return form;
    }

    private static async Task<int> ImportAsync(HttpClient client, string name, int pages = 2) =>
        (await JsonAsync(await client.PostAsync("/v1/files/original/", ImportForm(name, TestPdf.Pages(pages))), HttpStatusCode.OK))
        .GetProperty("id").GetInt32();

    // Seed "Create a signature request" / "… with fields", Form Data: recipients (array of objects: email, first_name,
    // last_name), original_file_id, is_ordered, name, message, cc (array of objects: email), embedded_signing;
    // with fields also fields_payload (email, type, required, page_number, x, y, height, width, additional_info).
    // Arrays of objects travel as JSON text in their form field (docs/api.md). Values are the seed example's people.
    private const string SeedRecipients =
        """[{"email":"jack@company.com","first_name":"Jack","last_name":"Wilshere"},{"email":"arsene@company.com","first_name":"Arsene","last_name":"Weng"}]""";

    private const string SeedCc = """[{"email":"shannon.cc@acme.com"}]""";

    private const string SeedFieldsPayload = """
        [
          {"email":"jack@company.com","type":"signature","required":true,"page_number":-1,"x":72,"y":100,"height":48,"width":160,"additional_info":{}},
          {"email":"jack@company.com","type":"date","required":true,"page_number":1,"x":300,"y":100,"height":32,"width":110,"additional_info":{"format":"DD/MM/YYYY"}},
          {"email":"arsene@company.com","type":"initials","required":true,"page_number":1,"x":72,"y":200,"height":40,"width":64,"additional_info":{}}
        ]
        """;

    private static IEnumerable<KeyValuePair<string, string>> CreateFields(int originalFileId) =>
    [
        new("recipients", SeedRecipients), new("original_file_id", originalFileId.ToString()), new("is_ordered", "true"),
        new("name", "NDA"), new("message", "Please sign the NDA."), new("cc", SeedCc), new("embedded_signing", "false"),
    ];

    /// <summary>POST /v1/files/pending/fields/ as multipart Form Data; returns the pending file id.</summary>
    private static async Task<HttpResponseMessage> PostWithFieldsAsync(HttpClient client, int originalFileId)
    {
        var form = new MultipartFormDataContent();
        foreach (var (key, value) in CreateFields(originalFileId)) form.Add(new StringContent(value), key);
        form.Add(new StringContent(SeedFieldsPayload), "fields_payload");
        return await client.PostAsync("/v1/files/pending/fields/", form);
    }

    private async Task<SigningScenario> RequestWithFieldsAsync(string owner, HttpClient client)
    {
        var fileId = await ImportAsync(client, $"NDA {Guid.NewGuid():N}.pdf");
        var created = await JsonAsync(await PostWithFieldsAsync(client, fileId), HttpStatusCode.OK);
        return new SigningScenario(_app) { Owner = owner, RequestId = created.GetProperty("pending_file_id").GetInt32() };
    }

    private static void AssertSeedVocabulary(JsonElement pendingFile)
    {
        Assert.Contains(pendingFile.GetProperty("status").GetString(), SeedPendingStatuses);
        foreach (var r in pendingFile.GetProperty("recipients").EnumerateArray())
            Assert.Contains(r.GetProperty("status").GetString(), SeedRecipientStatuses);
    }

    private static async Task AssertPdfAsync(HttpResponseMessage r)
    {
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("application/pdf", r.Content.Headers.ContentType?.MediaType);
        var bytes = await r.Content.ReadAsByteArrayAsync();
        Assert.Equal("%PDF-"u8.ToArray(), bytes[..5]);
    }

    // ---- The sweep ----

    /// <summary>Seed "Retrieve user details": GET /v1/user/ → the user object.</summary>
    [Fact]
    public async Task Get_user_answers_the_seed_user_object()
    {
        var (_, client) = await ShannonAsync();
        var user = await JsonAsync(await client.GetAsync("/v1/user/"), HttpStatusCode.OK);
        SeedShape.Assert("""
            {
                "account_type": 0,
                "activation_time": 1395392655,
                "is_auto_renew": 0,
                "company": "ACME Corp.",
                "company_size": null,
                "created_time": 1391545509,
                "document_credits": 0,
                "email": "john.doe@gmail.com",
                "first_name": "John",
                "id": 699829,
                "is_paid": 0,
                "last_name": "Doe",
                "last_modified_time": 1395367450,
                "referrer_code": "gSwRXxut",
                "referrer_promo_left": 5,
                "subscription_expiry_time": null,
                "imported_file_count": 72,
                "signed_file_count": 16,
                "card_last4": null,
                "card_brand": null,
                "status": 1,
                "email_verified": 1
            }
            """, user);
        Assert.Equal("Shannon", user.GetProperty("first_name").GetString());
        Assert.Contains(user.GetProperty("account_type").GetInt32(), new[] { 0, 1, 2, 3, 4 }); // seed: 0–4
        Assert.Contains(user.GetProperty("is_paid").GetInt32(), new[] { 0, 1 });
        Assert.Equal(1, user.GetProperty("status").GetInt32()); // a confirmed user: "1: Activated account"
        Assert.Equal(1, user.GetProperty("email_verified").GetInt32());
    }

    /// <summary>
    /// Seed "Import a new document": POST /v1/files/original/ with Form Data name, file, rename_if_exists → the original
    /// file object; errors filename_exists (name taken, rename_if_exists false) and file_conversion_failure.
    /// </summary>
    [Fact]
    public async Task Import_a_new_document_as_multipart_answers_the_seed_object_and_its_error_examples()
    {
        var (_, client) = await ShannonAsync();
        var pdf = TestPdf.Pages(1);
        var created = await JsonAsync(await client.PostAsync("/v1/files/original/", ImportForm("TDonate.pdf", pdf, "false")), HttpStatusCode.OK);
        SeedShape.Assert("""
            {
                "created_time": 1413798221,
                "id": 3092010,
                "last_modified_time": 1413798221,
                "name": "TDonate.pdf"
            }
            """, created);
        Assert.Equal("TDonate.pdf", created.GetProperty("name").GetString());
        Assert.InRange(created.GetProperty("created_time").GetInt64(), DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);

        var exists = await JsonAsync(await client.PostAsync("/v1/files/original/", ImportForm("TDonate.pdf", pdf, "false")), HttpStatusCode.BadRequest);
        SeedShape.Assert(SeedFilenameExists, exists);
        Assert.Equal("filename_exists", exists.GetProperty("error_code").GetString());
        Assert.Equal("There is already a file with the same name. Please use a different name.", exists.GetProperty("message").GetString());

        var renamed = await JsonAsync(await client.PostAsync("/v1/files/original/", ImportForm("TDonate.pdf", pdf, "true")), HttpStatusCode.OK);
        SeedShape.Assert(SeedOriginalFile, renamed);
        Assert.NotEqual("TDonate.pdf", renamed.GetProperty("name").GetString());

        // docs/api.md: the message names our specific reason instead of the seed's generic text; the code is the seed's.
        var failed = await JsonAsync(await client.PostAsync("/v1/files/original/", ImportForm("notes.pdf", TestPdf.NotAPdf())), HttpStatusCode.BadRequest);
        SeedShape.Assert(SeedFileConversionFailure, failed);
        Assert.Equal("file_conversion_failure", failed.GetProperty("error_code").GetString());
    }

    /// <summary>docs/api.md errors: a file over ESign:MaxUploadMegabytes → 413 file_too_large in the seed's error shape.</summary>
    [Fact]
    public async Task Import_over_the_size_limit_answers_413_file_too_large_and_keeps_nothing()
    {
        var (_, client) = await ShannonAsync();
        var big = new byte[_app.MaxUploadMegabytes * 1024 * 1024 + 10];
        TestPdf.Pages(1).CopyTo(big, 0);
        var e = await JsonAsync(await client.PostAsync("/v1/files/original/", ImportForm("Big.pdf", big)), HttpStatusCode.RequestEntityTooLarge);
        SeedShape.Assert(SeedFileConversionFailure, e); // the seed's error shape: error_code, message
        Assert.Equal("file_too_large", e.GetProperty("error_code").GetString());
        Assert.Equal(0, (await JsonAsync(await client.GetAsync("/v1/files/original/"), HttpStatusCode.OK)).GetProperty("count").GetInt32());
    }

    /// <summary>
    /// Seed "Retrieve all original files" (GET /v1/files/original/ → count, files), "Retrieve an original file"
    /// (GET /v1/files/original/id/) and "Download an original file" (GET /v1/files/original/id/download/ → "Stream of file content").
    /// </summary>
    [Fact]
    public async Task Original_files_list_get_and_download_answer_the_seed_shapes()
    {
        var (_, client) = await ShannonAsync();
        var first = await ImportAsync(client, "H000180CM010780_.pdf", pages: 1);
        var second = await ImportAsync(client, "intl_nuñez.pdf", pages: 3);

        var list = await JsonAsync(await client.GetAsync("/v1/files/original/"), HttpStatusCode.OK);
        SeedShape.Assert(SeedOriginalFiles, list);
        Assert.Equal(2, list.GetProperty("count").GetInt32());
        Assert.Equal([second, first], list.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("id").GetInt32())); // docs: newest first

        var one = await JsonAsync(await client.GetAsync($"/v1/files/original/{second}/"), HttpStatusCode.OK);
        SeedShape.Assert(SeedOriginalFile, one);
        Assert.Equal("intl_nuñez.pdf", one.GetProperty("name").GetString());

        var download = await client.GetAsync($"/v1/files/original/{second}/download/");
        await AssertPdfAsync(download);
        Assert.Equal(TestPdf.Pages(3), await download.Content.ReadAsByteArrayAsync());
    }

    /// <summary>
    /// Seed "Delete an original file": DELETE /v1/files/original/id/; its example is the unauthorized_resource error,
    /// which a second delete (the file no longer exists) answers. Success body: docs/api.md says <c>{}</c> (the seed shows none).
    /// </summary>
    [Fact]
    public async Task Delete_an_original_file_answers_an_empty_object_then_the_seeds_unauthorized_resource()
    {
        var (_, client) = await ShannonAsync();
        var id = await ImportAsync(client, "NDA.pdf");
        var deleted = await JsonAsync(await client.DeleteAsync($"/v1/files/original/{id}/"), HttpStatusCode.OK);
        SeedShape.Assert("{}", deleted);

        var again = await JsonAsync(await client.DeleteAsync($"/v1/files/original/{id}/"), HttpStatusCode.Unauthorized);
        SeedShape.Assert(SeedUnauthorizedResource, again);
        Assert.Equal("unauthorized_resource", again.GetProperty("error_code").GetString());
        Assert.Equal("Unauthorized", again.GetProperty("message").GetString());
        Assert.Equal(0, (await JsonAsync(await client.GetAsync("/v1/files/original/"), HttpStatusCode.OK)).GetProperty("count").GetInt32());
    }

    /// <summary>
    /// Seed "Create a signature request": POST /v1/files/pending/ with Form Data (urlencoded here) → {"pending_file_id"};
    /// someone else's original_file_id → the seed's unauthorized_resource example.
    /// </summary>
    [Fact]
    public async Task Create_a_signature_request_from_form_data_answers_the_seed_id_and_error()
    {
        var (_, client) = await ShannonAsync();
        var fileId = await ImportAsync(client, "NDA.pdf");
        var created = await JsonAsync(await client.PostAsync("/v1/files/pending/", new FormUrlEncodedContent(CreateFields(fileId))), HttpStatusCode.OK);
        SeedShape.Assert(SeedPendingFileId, created);
        var id = created.GetProperty("pending_file_id").GetInt32();

        var pending = await JsonAsync(await client.GetAsync($"/v1/files/pending/{id}/"), HttpStatusCode.OK);
        SeedShape.Assert(SeedPendingFile, pending, "logo");
        Assert.Equal(0, pending.GetProperty("has_markers").GetInt32()); // free fill: no fields before sending
        Assert.Equal(["jack@company.com", "arsene@company.com"], pending.GetProperty("recipients").EnumerateArray().Select(r => r.GetProperty("email").GetString()));

        var (_, other) = await ShannonAsync();
        var foreign = await JsonAsync(await other.PostAsync("/v1/files/pending/", new FormUrlEncodedContent(CreateFields(fileId))), HttpStatusCode.Unauthorized);
        SeedShape.Assert("""
            {
                "message": "Unauthorized",
                "error_code": "unauthorized_resource"
            }
            """, foreign);
        Assert.Equal("unauthorized_resource", foreign.GetProperty("error_code").GetString());
    }

    /// <summary>
    /// Seed "Create a signature request with fields": POST /v1/files/pending/fields/ with Form Data (multipart here)
    /// including fields_payload → {"pending_file_id"}; someone else's original_file_id → unauthorized_resource.
    /// </summary>
    [Fact]
    public async Task Create_a_signature_request_with_fields_from_form_data_answers_the_seed_id_and_error()
    {
        var (_, client) = await ShannonAsync();
        var fileId = await ImportAsync(client, "NDA.pdf");
        var created = await JsonAsync(await PostWithFieldsAsync(client, fileId), HttpStatusCode.OK);
        SeedShape.Assert(SeedPendingFileId, created);
        var id = created.GetProperty("pending_file_id").GetInt32();

        var pending = await JsonAsync(await client.GetAsync($"/v1/files/pending/{id}/"), HttpStatusCode.OK);
        SeedShape.Assert(SeedPendingFile, pending, "logo");
        Assert.Equal(1, pending.GetProperty("has_markers").GetInt32());
        Assert.Equal(1, pending.GetProperty("is_ordered").GetInt32());

        var (_, other) = await ShannonAsync();
        var foreign = await JsonAsync(await PostWithFieldsAsync(other, fileId), HttpStatusCode.Unauthorized);
        SeedShape.Assert(SeedUnauthorizedResource, foreign);
        Assert.Equal("unauthorized_resource", foreign.GetProperty("error_code").GetString());
    }

    /// <summary>
    /// Seed "Retrieve a pending file" (GET /v1/files/pending/id/), "Retrieve all pending signature requests"
    /// (GET /v1/files/pending/, "irrespective of whether the pending file is complete, incomplete, canceled or
    /// recipient_declined"), "Remind signers" (POST …/id/remind/, "No response body on success") and "Void a pending
    /// signature request" (POST …/id/cancel/ with Form Data message, "No response body on success"): every status of
    /// the seed's vocabulary, for requests and for recipients, in the seed's shape.
    /// </summary>
    [Fact]
    public async Task Pending_files_in_every_seed_status_answer_the_seed_shape_and_remind_and_cancel_answer_no_body()
    {
        var (owner, client) = await ShannonAsync();
        var viewed = await RequestWithFieldsAsync(owner, client);     // incomplete: jack viewed, arsene not_viewed
        var complete = await RequestWithFieldsAsync(owner, client);   // complete: both finalized
        var canceled = await RequestWithFieldsAsync(owner, client);   // canceled over the API
        var declined = await RequestWithFieldsAsync(owner, client);   // recipient_declined: jack declined

        var actor = new Actor(null, "127.0.0.1", "seed-sweep/1.0");
        Assert.Equal(SigningState.Ready, (await viewed.Signing.OpenAsync(await viewed.TokenOfAsync("jack@company.com"), actor)).State);
        await complete.SignAsync("jack@company.com");
        await complete.SignAsync("arsene@company.com");
        await complete.WaitForStatusAsync(RequestStatus.Complete);
        var jackDeclines = await declined.TokenOfAsync("jack@company.com");
        await declined.Signing.OpenAsync(jackDeclines, actor);
        await declined.Signing.DeclineAsync(jackDeclines, "Not this version.", actor);

        var remind = await client.PostAsync($"/v1/files/pending/{viewed.RequestId}/remind/", null);
        Assert.Equal(HttpStatusCode.OK, remind.StatusCode);
        Assert.Empty(await remind.Content.ReadAsByteArrayAsync());
        var cancel = await client.PostAsync($"/v1/files/pending/{canceled.RequestId}/cancel/",
            new FormUrlEncodedContent([new("message", "Sent the wrong version.")]));
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Empty(await cancel.Content.ReadAsByteArrayAsync());

        var one = await JsonAsync(await client.GetAsync($"/v1/files/pending/{viewed.RequestId}/"), HttpStatusCode.OK);
        SeedShape.Assert(SeedPendingFile, one, "logo");
        Assert.Equal("incomplete", one.GetProperty("status").GetString());
        var jack = one.GetProperty("recipients")[0];
        Assert.Equal(("jack@company.com", "Jack", "Wilshere", 1), (jack.GetProperty("email").GetString(), jack.GetProperty("first_name").GetString(),
            jack.GetProperty("last_name").GetString(), jack.GetProperty("order_id").GetInt32()));
        Assert.Equal(jack.GetProperty("recipient_id").GetInt32(), one.GetProperty("next").GetInt32()); // ordered: jack is next

        var list = await JsonAsync(await client.GetAsync("/v1/files/pending/"), HttpStatusCode.OK);
        SeedShape.Assert(SeedPendingFiles, list, "files[].logo", "files[].next");
        Assert.Equal(4, list.GetProperty("count").GetInt32());
        var files = list.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("id").GetInt32());
        foreach (var f in files.Values) AssertSeedVocabulary(f);
        string StatusOf(SigningScenario s) => files[s.RequestId].GetProperty("status").GetString()!;
        string RecipientsOf(SigningScenario s) => string.Join(",", files[s.RequestId].GetProperty("recipients").EnumerateArray().Select(r => r.GetProperty("status").GetString()));
        Assert.Equal(("incomplete", "viewed,not_viewed"), (StatusOf(viewed), RecipientsOf(viewed)));
        Assert.Equal(("complete", "finalized,finalized"), (StatusOf(complete), RecipientsOf(complete)));
        Assert.Equal(("canceled", "not_viewed,not_viewed"), (StatusOf(canceled), RecipientsOf(canceled)));
        Assert.Equal(("recipient_declined", "declined,not_viewed"), (StatusOf(declined), RecipientsOf(declined)));
        Assert.Equal(SeedPendingStatuses.Order(), files.Values.Select(f => f.GetProperty("status").GetString()).Order());
        foreach (var done in new[] { complete, canceled, declined })
            Assert.Equal(JsonValueKind.Null, files[done.RequestId].GetProperty("next").ValueKind); // nobody is due
    }

    /// <summary>
    /// Seed "Retrieve all signed files", "Retrieve a signed file", "Rename a signed file" (PUT with Form Data name; error
    /// filename_exists), "Download a signed file", "Download the audit trail" (GET /v1/audit-trail/signed_file_id; its
    /// error example) and "Delete a signed file" ("If a file with the id is not present, a 401 is returned").
    /// </summary>
    [Fact]
    public async Task Signed_files_answer_the_seed_shapes_for_list_get_rename_download_audit_trail_and_delete()
    {
        var (owner, client) = await ShannonAsync();
        var request = await RequestWithFieldsAsync(owner, client);
        await request.SignAsync("jack@company.com");
        await request.SignAsync("arsene@company.com");
        var signedId = (await request.WaitForStatusAsync(RequestStatus.Complete)).SignedFileId!.Value;
        var soloDoc = await _app.Get<DocumentService>().ImportAsync(owner, "H000180CM010780_.pdf", new MemoryStream(TestPdf.Pages(1)), false);
        var solo = await _app.Get<SelfSignService>().SignAsync(owner, soloDoc.Id,
            [new SelfField(FieldType.Signature, 1, new PdfRect(72, 72, 160, 48), Image: TestImages.SignaturePng())], new Actor("shannon@acme.com"), DateTimeOffset.UtcNow);

        var list = await JsonAsync(await client.GetAsync("/v1/files/signed/"), HttpStatusCode.OK);
        SeedShape.Assert(SeedSignedFiles, list);
        Assert.Equal(2, list.GetProperty("count").GetInt32());
        var byId = list.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("id").GetInt32());
        Assert.Equal(JsonValueKind.Null, byId[solo.Id].GetProperty("pending_file").ValueKind); // seed: null when self-signed
        var listedPending = byId[signedId].GetProperty("pending_file");
        SeedShape.Assert(SeedPendingFile, listedPending, "logo", "next");
        AssertSeedVocabulary(listedPending);
        Assert.Equal(request.RequestId, listedPending.GetProperty("id").GetInt32());

        var signed = await JsonAsync(await client.GetAsync($"/v1/files/signed/{signedId}/"), HttpStatusCode.OK);
        SeedShape.Assert(SeedSignedFile, signed, "pending_file.logo", "pending_file.next");
        AssertSeedVocabulary(signed.GetProperty("pending_file"));
        Assert.Equal("complete", signed.GetProperty("pending_file").GetProperty("status").GetString());
        var self = await JsonAsync(await client.GetAsync($"/v1/files/signed/{solo.Id}/"), HttpStatusCode.OK);
        SeedShape.Assert(SeedSelfSignedFile, self);
        Assert.Equal(JsonValueKind.Null, self.GetProperty("pending_file").ValueKind);

        // Seed "Rename a signed file": the seed shows no success body; ours is the signed file object.
        var renamed = await JsonAsync(await client.PutAsync($"/v1/files/signed/{signedId}/", new FormUrlEncodedContent([new("name", "NDA for ACME.pdf")])), HttpStatusCode.OK);
        SeedShape.Assert(SeedSignedFile, renamed, "pending_file.logo", "pending_file.next");
        Assert.Equal("NDA for ACME.pdf", renamed.GetProperty("name").GetString());
        var clash = await JsonAsync(await client.PutAsync($"/v1/files/signed/{signedId}/", new FormUrlEncodedContent([new("name", solo.Name)])), HttpStatusCode.BadRequest);
        SeedShape.Assert(SeedFilenameExists, clash);
        Assert.Equal("filename_exists", clash.GetProperty("error_code").GetString());
        Assert.Equal("There is already a file with the same name. Please use a different name.", clash.GetProperty("message").GetString());

        var download = await client.GetAsync($"/v1/files/signed/{signedId}/download/");
        await AssertPdfAsync(download);
        Assert.Equal(signed.GetProperty("checksum").GetString(), Convert.ToHexStringLower(SHA256.HashData(await download.Content.ReadAsByteArrayAsync())));

        await AssertPdfAsync(await client.GetAsync($"/v1/audit-trail/{signedId}"));
        var (_, stranger) = await ShannonAsync();
        var denied = await JsonAsync(await stranger.GetAsync($"/v1/audit-trail/{signedId}"), HttpStatusCode.Unauthorized); // 401: docs/api.md
        SeedShape.Assert(SeedAuditTrailError, denied);
        Assert.Equal("audit_trial_generation_failed", denied.GetProperty("error_code").GetString());
        Assert.Equal("Failed to generate audit trail.", denied.GetProperty("msg").GetString());

        // Seed "Delete a signed file" shows no body ("Try the API to see results"); docs/api.md: {}.
        SeedShape.Assert("{}", await JsonAsync(await client.DeleteAsync($"/v1/files/signed/{signedId}/"), HttpStatusCode.OK));
        var gone = await JsonAsync(await client.DeleteAsync($"/v1/files/signed/{signedId}/"), HttpStatusCode.Unauthorized);
        SeedShape.Assert(SeedUnauthorizedResource, gone);
        Assert.Equal("unauthorized_resource", gone.GetProperty("error_code").GetString());
        await AssertPdfAsync(await client.GetAsync($"/v1/audit-trail/{signedId}")); // seed: "works … even if they are deleted"
    }

    /// <summary>The comparer itself: it must catch each kind of difference, or the sweep above proves nothing.</summary>
    [Fact]
    public void SeedShape_reports_missing_extra_retyped_null_and_non_integer_values()
    {
        const string seed = """{"id":1,"name":"a","when":1408949190,"size":null,"next":7,"items":[{"x":1}],"inner":{"ok":true}}""";
        static List<string> Check(string actual, params string[] nullable) => SeedShape.Problems(seed, JsonDocument.Parse(actual).RootElement, nullable);

        Assert.Empty(Check("""{"id":2,"name":"b","when":1700000000,"size":"anything","next":null,"items":[{"x":3},{"x":4}],"inner":{"ok":false}}""", "next"));
        Assert.Contains("name: missing", Check("""{"id":2,"when":1,"size":null,"next":1,"items":[{"x":3}],"inner":{"ok":true}}"""));
        Assert.Contains("box_status: not in the seed", Check("""{"id":2,"name":"b","when":1,"size":null,"next":1,"items":[{"x":3}],"inner":{"ok":true},"box_status":"sent"}"""));
        Assert.Empty(SeedShape.Problems("""{"owner_email":"a@b.c"}""", JsonDocument.Parse("""{"owner_email":"x@y.z","box_status":"sent"}""").RootElement));
        Assert.Contains("extra: not in the seed", Check("""{"id":2,"name":"b","when":1,"size":null,"next":1,"items":[{"x":3}],"inner":{"ok":true},"extra":0}"""));
        Assert.Contains(Check("""{"id":"2","name":"b","when":1,"size":null,"next":1,"items":[{"x":3}],"inner":{"ok":true}}"""), p => p.StartsWith("id: String"));
        Assert.Contains(Check("""{"id":2,"name":"b","when":1.5,"size":null,"next":1,"items":[{"x":3}],"inner":{"ok":true}}"""), p => p.StartsWith("when: 1.5"));
        Assert.Contains(Check("""{"id":2,"name":"b","when":1,"size":null,"next":null,"items":[{"x":3}],"inner":{"ok":true}}"""), p => p.StartsWith("next: null"));
        Assert.Contains(Check("""{"id":2,"name":"b","when":1,"size":null,"next":1,"items":[{"x":3},{"y":4}],"inner":{"ok":true}}"""), p => p.StartsWith("items[].x: missing"));
        Assert.Contains(Check("""{"id":2,"name":"b","when":1,"size":null,"next":1,"items":[],"inner":{"ok":true}}"""), p => p.StartsWith("items: empty"));
        Assert.Contains(Check("""{"id":2,"name":"b","when":1,"size":null,"next":1,"items":[{"x":3}],"inner":{"ok":"yes"}}"""), p => p.StartsWith("inner.ok: String"));
    }
}

/// <summary>
/// Compares a response with a seed example response: every key of the example is present and no other; each value has
/// the example's JSON kind (string, number, boolean, object, array), recursively; a number the example writes as an
/// integer (ids, epoch seconds) must be an integer. Arrays are compared by the example's first element: every element
/// of ours must match it (and ours must not be empty, or nothing would be compared). A <c>null</c> in the example says
/// nothing about the type and accepts any value; <c>nullable</c> names the paths (<c>files[].next</c>,
/// <c>pending_file.logo</c>) where we may answer null for a value the example shows — each justified at the call site.
/// </summary>
internal static class SeedShape
{
    public static void Assert(string seedExample, JsonElement actual, params string[] nullable)
    {
        var problems = Problems(seedExample, actual, nullable);
        Xunit.Assert.True(problems.Count == 0, $"Not the seed's shape:\n  {string.Join("\n  ", problems)}\nin {actual.GetRawText()}");
    }

    public static List<string> Problems(string seedExample, JsonElement actual, params string[] nullable)
    {
        using var seed = JsonDocument.Parse(seedExample);
        var problems = new List<string>();
        Compare(seed.RootElement, actual, "", nullable.ToHashSet(), problems);
        return problems;
    }

    /// <summary>
    /// Our documented extensions (docs/api.md, "Request options (Box Sign names)"): the Box Sign options a pending file
    /// (a seed object with <c>owner_email</c>) and its recipients (with <c>recipient_id</c>) carry beyond the seed's keys.
    /// </summary>
    private static readonly HashSet<string> PendingFileExtensions =
    [
        "email_subject", "email_message", "are_reminders_enabled", "are_text_signatures_enabled", "signature_color", "days_valid",
        "redirect_url", "declined_redirect_url", "external_id", "is_document_preparation_needed", "is_phone_verification_required_to_view",
        "parent_folder", "auto_expire_at", "box_status", "prepare_url",
        "categories", // issue 13: the sender's labels
    ];

    private static readonly HashSet<string> RecipientExtensions =
    [
        "role", "order", "redirect_url", "declined_redirect_url", "has_password", "verification_phone_number", "login_required",
        "is_in_person", "embed_url_external_user_id",
    ];

    /// <summary>A template's role object (docs/api.md, "Templates"): its order group.</summary>
    private static readonly HashSet<string> TemplateRoleExtensions = ["order"];

    /// <summary>The template object (docs/api.md, "Templates"): the categories its requests start with.</summary>
    private static readonly HashSet<string> TemplateExtensions = ["categories"];

    private static HashSet<string> Extensions(JsonElement seedObject) =>
        seedObject.TryGetProperty("owner_email", out _) ? PendingFileExtensions
        : seedObject.TryGetProperty("recipient_id", out _) ? RecipientExtensions
        : seedObject.TryGetProperty("color", out _) && seedObject.TryGetProperty("fields", out _) ? TemplateRoleExtensions
        : seedObject.TryGetProperty("metadata", out _) && seedObject.TryGetProperty("is_ordered", out _) ? TemplateExtensions
        : [];

    private static string Kind(JsonValueKind k) => k is JsonValueKind.True or JsonValueKind.False ? "Boolean" : k.ToString();

    private static void Compare(JsonElement seed, JsonElement actual, string path, HashSet<string> nullable, List<string> problems)
    {
        var at = path.Length == 0 ? "(root)" : path;
        if (seed.ValueKind == JsonValueKind.Null) return;
        if (actual.ValueKind == JsonValueKind.Null)
        {
            if (!nullable.Contains(path)) problems.Add($"{at}: null where the seed has {Kind(seed.ValueKind)} {seed.GetRawText()}");
            return;
        }
        if (Kind(seed.ValueKind) != Kind(actual.ValueKind))
        {
            problems.Add($"{at}: {Kind(actual.ValueKind)} {actual.GetRawText()} where the seed has {Kind(seed.ValueKind)} {seed.GetRawText()}");
            return;
        }
        switch (seed.ValueKind)
        {
            case JsonValueKind.Number when seed.TryGetInt64(out _) && !actual.TryGetInt64(out _):
                problems.Add($"{at}: {actual.GetRawText()} is not an integer as the seed's {seed.GetRawText()}");
                break;
            case JsonValueKind.Object:
                var ours = actual.EnumerateObject().Select(p => p.Name).ToHashSet();
                foreach (var p in seed.EnumerateObject())
                {
                    var child = path.Length == 0 ? p.Name : $"{path}.{p.Name}";
                    if (actual.TryGetProperty(p.Name, out var value)) Compare(p.Value, value, child, nullable, problems);
                    else problems.Add($"{child}: missing");
                }
                var extensions = Extensions(seed);
                foreach (var name in ours.Where(n => !seed.TryGetProperty(n, out _) && !extensions.Contains(n)))
                    problems.Add($"{(path.Length == 0 ? name : $"{path}.{name}")}: not in the seed");
                break;
            case JsonValueKind.Array when seed.GetArrayLength() > 0:
                if (actual.GetArrayLength() == 0) problems.Add($"{at}: empty, nothing to compare with the seed's elements");
                foreach (var item in actual.EnumerateArray()) Compare(seed[0], item, path + "[]", nullable, problems);
                break;
        }
    }
}
