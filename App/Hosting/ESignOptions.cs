namespace ESignWeb.Hosting;

/// <summary>The <c>ESign</c> section of appsettings.json.</summary>
public sealed class ESignOptions
{
    public const string Section = "ESign";

    /// <summary>Directory for the SQLite database, blobs, mail outbox and keys. Relative paths are from the working directory.</summary>
    public string DataPath { get; set; } = "./data";

    /// <summary>Largest PDF accepted for upload, in MiB.</summary>
    public int MaxUploadMegabytes { get; set; } = 50;

    /// <summary>
    /// Largest request body of every endpoint that is not a file upload (JSON, form fields), in KiB, counted after
    /// decompression (see <see cref="BodyLimits"/>).
    /// </summary>
    public int MaxJsonBodyKilobytes { get; set; } = 1024;

    /// <summary>
    /// Absolute base address used in links sent by mail (e.g. <c>https://sign.example.com</c>). Empty: the address
    /// the sender is using the app at.
    /// </summary>
    public string PublicBaseUrl { get; set; } = "";

    /// <summary>Name shown as the product in mails and page titles.</summary>
    public string ProductName { get; set; } = "ESignWeb";

    /// <summary>Whether a new account must confirm its e-mail address before it can log in.</summary>
    public bool RequireConfirmedAccount { get; set; } = true;

    /// <summary>The certificate that signs sealed PDFs. Empty path: a self-signed one is made on first start.</summary>
    public CertificateOptions Certificate { get; set; } = new();

    /// <summary>RFC 3161 trusted timestamps on the signatures of sealed PDFs and audit trails (empty URL: off).</summary>
    public TimestampingOptions Timestamping { get; set; } = new();

    /// <summary>The Data Protection key ring (kept in the database): optionally encrypted at rest with a certificate.</summary>
    public DataProtectionSettings DataProtection { get; set; } = new();

    /// <summary>Most pages an uploaded PDF may have.</summary>
    public int MaxPages { get; set; } = 2000;

    /// <summary>Limits of the isolated process that opens every untrusted PDF first.</summary>
    public PdfInspectionOptions PdfInspection { get; set; } = new();
    /// <summary>
    /// Most bytes of signature and initials images one signer may have stored at a time (distinct images of their
    /// fields; a replaced image no longer counts). Also bounds the images of one self-signed document.
    /// </summary>
    public long MaxSignatureBytesPerSigner { get; set; } = 10 * 1024 * 1024;

    /// <summary>How the outbox processors hold the jobs they run (leases renewed by a heartbeat).</summary>
    public OutboxOptions Outbox { get; set; } = new();

    /// <summary>How many disconnected Blazor circuits are kept, and for how long (the <c>ESign:Circuits</c> section).</summary>
    public CircuitSettings Circuits { get; set; } = new();

    /// <summary>The sweeper that deletes blobs no row references.</summary>
    public BlobSweepOptions BlobSweep { get; set; } = new();

    /// <summary>Test hooks; leave at their defaults in production.</summary>
    public TestingOptions Testing { get; set; } = new();

    /// <summary>Which reverse proxies may tell the app the client's address and scheme (X-Forwarded-*).</summary>
    public ForwardedHeadersSettings ForwardedHeaders { get; set; } = new();

    /// <summary>Per-client-IP limits on sign-in, account mail and token look-ups.</summary>
    public RateLimitSettings RateLimits { get; set; } = new();

    /// <summary>Reports sent by mail (the <c>ESign:Reports</c> section).</summary>
    public ReportOptions Reports { get; set; } = new();

    /// <summary>The OAuth 2 authorisation server (the <c>ESign:OAuth</c> section, App/OAuth).</summary>
    public OAuthSettings OAuth { get; set; } = new();

    /// <summary>Which database the instance keeps its rows in (the <c>ESign:Database</c> section, Data/DatabaseProvider).</summary>
    public DatabaseOptions Database { get; set; } = new();

    /// <summary>Where blobs (PDFs, audit trails, images, report files) are kept (the <c>ESign:Storage</c> section, App/Storage).</summary>
    public StorageOptions Storage { get; set; } = new();

    /// <summary>Whether the public address is https (then HSTS and Secure cookies).</summary>
    public bool PublicUrlIsHttps => PublicBaseUrl.Trim().StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    public long MaxUploadBytes => (long)MaxUploadMegabytes * 1024 * 1024;

    public long MaxJsonBodyBytes => (long)MaxJsonBodyKilobytes * 1024;

    /// <summary>A whole upload request (multipart, after decompression): the file limit plus room for the other parts.</summary>
    public long MaxUploadRequestBytes => MaxUploadBytes + 5L * 1024 * 1024;
}

/// <summary>The <c>ESign:PdfInspection</c> section: limits of the worker process that inspects untrusted PDFs.</summary>
/// <summary>The <c>ESign:Database</c> section.</summary>
public sealed class DatabaseOptions
{
    /// <summary>
    /// <c>Sqlite</c> (default: <c>&lt;DataPath&gt;/esign.db</c>) or <c>PostgreSql</c> (the connection string
    /// <c>ConnectionStrings:ESign</c>). Migrations of the chosen provider are applied at start-up.
    /// </summary>
    public Data.DatabaseProviderKind Provider { get; set; } = Data.DatabaseProviderKind.Sqlite;
}

/// <summary>The <c>ESign:Storage</c> section.</summary>
public sealed class StorageOptions
{
    /// <summary>
    /// <c>FileSystem</c> (default: <c>&lt;DataPath&gt;/blobs</c>; a shared volume serves several instances) or
    /// <c>Database</c> (the database's StoredBlobs and BlobChunks tables, 256 KB chunks, streamed both ways).
    /// </summary>
    public Storage.StorageProviderKind Provider { get; set; } = Storage.StorageProviderKind.FileSystem;
}

public sealed class PdfInspectionOptions
{
    /// <summary>Wall-clock seconds one inspection may take from the moment a worker starts on it (fractions allowed).</summary>
    public double TimeoutSeconds { get; set; } = 20;

    /// <summary>
    /// Seconds an upload may wait for a free worker when all <see cref="MaxConcurrent"/> are busy (fractions allowed;
    /// 0: never wait). A wait that runs out is refused as "busy"; the wait does not count against <see cref="TimeoutSeconds"/>.
    /// </summary>
    public double QueueWaitSeconds { get; set; } = 60;

    /// <summary>Memory one worker may use, in MiB (its GC heap limit and the resident size it is killed at).</summary>
    public int MemoryMegabytes { get; set; } = 512;

    /// <summary>Workers running at once; more uploads wait, at most <see cref="QueueWaitSeconds"/>. 0: one per processor.</summary>
    public int MaxConcurrent { get; set; }

    public int EffectiveMaxConcurrent => MaxConcurrent > 0 ? MaxConcurrent : Environment.ProcessorCount;
}

public sealed class OutboxOptions
{
    /// <summary>
    /// Seconds a claimed outbox job stays reserved for the processor that claimed it. The processor renews the lease
    /// every third of this while the job runs; a job of a process that died is taken over once its lease ran out.
    /// </summary>
    public int LeaseSeconds { get; set; } = 15;

    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);

    /// <summary>
    /// Seconds an idle outbox processor sleeps before it looks for due work by itself (0–3600; 0: the provider's
    /// default, 2 on SQLite and 10 on PostgreSQL). A safety net only: a commit that enqueues work wakes the processors
    /// at once (in-process, and on PostgreSQL every instance through <c>LISTEN/NOTIFY</c>), and a processor sleeps no
    /// longer than until the next scheduled message falls due or another instance's lease runs out.
    /// </summary>
    public int PollSeconds { get; set; }

    public TimeSpan PollIntervalOn(ESignWeb.Data.DatabaseProviderKind provider) => TimeSpan.FromSeconds(
        PollSeconds > 0 ? PollSeconds : provider == ESignWeb.Data.DatabaseProviderKind.PostgreSql ? 10 : 2);
}

/// <summary>The <c>ESign:Reports</c> section: reports built in the background and mailed as download links.</summary>
public sealed class ReportOptions
{
    /// <summary>Days a report's download link works (1–90); then the link answers 410 and the file is deleted.</summary>
    public int LinkDays { get; set; } = 7;
}

/// <summary>
/// The <c>ESign:Circuits</c> section: what happens to a page's Blazor circuit when its connection drops. A retained
/// circuit keeps its whole state (the signer's open page, gates passed) so a reconnecting browser carries on; one that
/// was let go makes the browser reload the page, which costs a signer nothing but a passed password or SMS gate (every
/// field is saved as it is filled). See docs/operations.md (Circuits).
/// </summary>
public sealed class CircuitSettings
{
    /// <summary>Seconds a disconnected circuit is kept for its browser to reconnect (ASP.NET Core's default: 180).</summary>
    public int DisconnectedRetentionSeconds { get; set; } = 120;

    /// <summary>Most disconnected circuits kept at once; the oldest go first (ASP.NET Core's default: 100).</summary>
    public int DisconnectedMaxRetained { get; set; } = 500;
}

public sealed class BlobSweepOptions
{
    /// <summary>Minutes between two sweeps (the first runs a minute after start-up).</summary>
    public int IntervalMinutes { get; set; } = 60;

    /// <summary>Hours a blob no row references is kept before it is deleted (so an upload in progress is never swept).</summary>
    public int GraceHours { get; set; } = 24;
}

public sealed class TestingOptions
{
    /// <summary>Makes the next N seals fail just before they commit (to test recovery). Default 0.</summary>
    public int FailSealsBeforeCommit { get; set; }

    /// <summary>Holds every seal this long after its sealed PDF is stored and before its commit (to kill the process mid-seal). Default 0.</summary>
    public int SealDelayMilliseconds { get; set; }

    /// <summary>
    /// Maps <c>GET /bench/fixed-json?bytes=N</c> (fixed JSON of N bytes, no authentication or rate limiting), the bare
    /// baseline of <c>bench/wrk/run.sh</c>, <c>POST /bench/discard-upload</c> and <c>POST /bench/gc</c> (a full collection;
    /// answers resident and managed memory and open circuits, for <c>bench/circuits/run.sh</c>). Default false.
    /// </summary>
    public bool BenchmarkEndpoint { get; set; }
}

/// <summary>
/// The <c>ESign:ForwardedHeaders</c> section. X-Forwarded-For and X-Forwarded-Proto are believed only on connections
/// from these addresses; with both lists empty they are ignored entirely. Entries may also be comma-separated.
/// </summary>
public sealed class ForwardedHeadersSettings
{
    /// <summary>IP addresses of trusted reverse proxies, e.g. <c>10.0.0.5</c>.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted reverse proxies in CIDR notation, e.g. <c>10.0.0.0/24</c>.</summary>
    public string[] KnownNetworks { get; set; } = [];
}

/// <summary>The <c>ESign:RateLimits</c> section: requests a minute allowed per client IP (fixed one-minute windows).</summary>
public sealed class RateLimitSettings
{
    /// <summary>Sign-in form posts (password, two-factor and recovery-code forms). Room for a few people behind one
    /// office address mistyping; account lockout still stops guessing one account.</summary>
    public int SignInPerMinute { get; set; } = 20;

    /// <summary>Account forms that send mail or change a password: register, forgot/reset password, resend confirmation.</summary>
    public int AccountPerMinute { get; set; } = 5;

    /// <summary>Requests addressed by a signing, embedded or copy token: the pages and their PDF and image endpoints.</summary>
    public int TokenLookupsPerMinute { get; set; } = 300;

    /// <summary>Files checked on the public verify page (<c>POST /verify</c>) — each is hashed and its signature checked.</summary>
    public int VerifyPerMinute { get; set; } = 10;
}

/// <summary>
/// The <c>ESign:DataProtection</c> section. The key ring lives in the database's DataProtectionKeys table; with no
/// certificate its XML is plaintext there (whoever reads the database can forge cookies). With
/// <see cref="CertificatePath"/> each key is encrypted with that certificate's public key (every instance needs the
/// same PKCS#12 file, with its private key, to read them). See docs/operations.md, "Keys and secrets".
/// </summary>
public sealed class DataProtectionSettings
{
    /// <summary>A PKCS#12 (.pfx/.p12) file with a private key; empty: the key ring is stored unencrypted.</summary>
    public string CertificatePath { get; set; } = "";

    public string CertificatePassword { get; set; } = "";
}

public sealed class CertificateOptions
{
    /// <summary>A PKCS#12 (.pfx/.p12) file with the private key.</summary>
    public string Path { get; set; } = "";

    public string Password { get; set; } = "";
}

/// <summary>
/// The time-stamp authority (RFC 3161) asked for a signature timestamp on every sealed PDF and audit trail (PAdES B-T),
/// whose signing certificate chain is then embedded in the PDF (document security store) for long-term validation.
/// </summary>
public sealed class TimestampingOptions
{
    /// <summary>The authority's HTTP(S) address, e.g. <c>http://timestamp.digicert.com</c>. Empty: no timestamps.</summary>
    public string Url { get; set; } = "";

    /// <summary>How long a seal waits for the authority (1–120 s); past it the PDF is sealed without a timestamp.</summary>
    public int TimeoutSeconds { get; set; } = 10;
}

/// <summary>The <c>Smtp</c> section. With no <see cref="Host"/>, mail is written to the outbox folder instead.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    public string Host { get; set; } = "";
    public int Port { get; set; } = 25;
    /// <summary>None, Auto, SslOnConnect, StartTls or StartTlsWhenAvailable (MailKit SecureSocketOptions).</summary>
    public string Security { get; set; } = "Auto";
    public string UserName { get; set; } = "";
    public string Password { get; set; } = "";
    public string FromAddress { get; set; } = "no-reply@esignweb.local";
    public string FromName { get; set; } = "ESignWeb";
    /// <summary>Seconds to wait for the SMTP server before a delivery attempt counts as failed.</summary>
    public int TimeoutSeconds { get; set; } = 30;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);
}

/// <summary>The <c>Api</c> section.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>Requests a minute allowed per API key.</summary>
    public int RateLimitPerMinute { get; set; } = 100;
}

/// <summary>The <c>Webhooks</c> section: how callback URLs are called.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>
    /// Allow callback URLs on loopback, private, link-local and other non-public addresses. Off by default, so a
    /// webhook cannot be used to reach the server's own network (SSRF); turn on for tests or an intranet receiver.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Seconds a receiver has to answer before the attempt counts as failed.</summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>How long a failing delivery is retried (exponential backoff) before it is marked failed.</summary>
    public int RetryForHours { get; set; } = 72;
}

/// <summary>
/// The <c>Sms</c> section: the SMS code a signer must give before seeing the document (issue 11, phone verification).
/// With no Twilio account, each SMS is written as a text file to <c>&lt;DataPath&gt;/sms</c> and shown on the Outbox page.
/// </summary>
public sealed class SmsOptions
{
    public const string Section = "Sms";

    /// <summary>Minutes an SMS code stays valid.</summary>
    public int CodeLifetimeMinutes { get; set; } = 10;

    /// <summary>Seconds a signer must wait before asking for another code.</summary>
    public int ResendAfterSeconds { get; set; } = 30;

    /// <summary>Most codes sent to one signer within an hour.</summary>
    public int MaxPerHour { get; set; } = 5;

    public TwilioSmsOptions Twilio { get; set; } = new();
}

/// <summary>The <c>Sms:Twilio</c> section: all three set sends real SMS through Twilio's REST API.</summary>
public sealed class TwilioSmsOptions
{
    public string AccountSid { get; set; } = "";
    /// <summary>Secret: never logged.</summary>
    public string AuthToken { get; set; } = "";
    /// <summary>The sending number (E.164) or messaging service id.</summary>
    public string From { get; set; } = "";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(AccountSid) && !string.IsNullOrWhiteSpace(AuthToken) && !string.IsNullOrWhiteSpace(From);
}

/// <summary>The <c>ESign:OAuth</c> section: lifetimes of what the authorisation server hands out.</summary>
public sealed class OAuthSettings
{
    /// <summary>How long an access token works, in minutes (short: refresh tokens renew it).</summary>
    public int AccessTokenMinutes { get; set; } = 60;

    /// <summary>How long a refresh token works, in days (each use replaces it with a new one).</summary>
    public int RefreshTokenDays { get; set; } = 30;

    /// <summary>How long an authorisation code may wait to be exchanged, in minutes.</summary>
    public int CodeMinutes { get; set; } = 5;
}
