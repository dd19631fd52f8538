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

    /// <summary>Most pages an uploaded PDF may have.</summary>
    public int MaxPages { get; set; } = 2000;

    /// <summary>Limits of the isolated process that opens every untrusted PDF first.</summary>
    public PdfInspectionOptions PdfInspection { get; set; } = new();

    /// <summary>Test hooks; leave at their defaults in production.</summary>
    public TestingOptions Testing { get; set; } = new();

    public long MaxUploadBytes => (long)MaxUploadMegabytes * 1024 * 1024;
}

/// <summary>The <c>ESign:PdfInspection</c> section: limits of the worker process that inspects untrusted PDFs.</summary>
public sealed class PdfInspectionOptions
{
    /// <summary>Wall-clock seconds one inspection may take, waiting for a free worker included (fractions allowed).</summary>
    public double TimeoutSeconds { get; set; } = 20;

    /// <summary>Memory one worker may use, in MiB (its GC heap limit and the resident size it is killed at).</summary>
    public int MemoryMegabytes { get; set; } = 512;

    /// <summary>Workers running at once; more uploads wait (and their waiting counts against the timeout). 0: one per processor.</summary>
    public int MaxConcurrent { get; set; }

    public int EffectiveMaxConcurrent => MaxConcurrent > 0 ? MaxConcurrent : Environment.ProcessorCount;
}

public sealed class TestingOptions
{
    /// <summary>Makes the next N seals fail just before they commit (to test recovery). Default 0.</summary>
    public int FailSealsBeforeCommit { get; set; }

    /// <summary>
    /// Maps <c>GET /bench/fixed-json?bytes=N</c> (fixed JSON of N bytes, no authentication or rate limiting), the bare
    /// baseline of <c>bench/wrk/run.sh</c>. Default false.
    /// </summary>
    public bool BenchmarkEndpoint { get; set; }
}

public sealed class CertificateOptions
{
    /// <summary>A PKCS#12 (.pfx/.p12) file with the private key.</summary>
    public string Path { get; set; } = "";

    public string Password { get; set; } = "";
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
