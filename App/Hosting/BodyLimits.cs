using ESignWeb.Api;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RequestDecompression;
using KestrelServerOptions = Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions;
using Microsoft.Extensions.Options;

namespace ESignWeb.Hosting;

/// <summary>
/// Every request body is bounded, counted on the bytes the app actually reads — after decompression. Two endpoint
/// classes: <b>upload</b> endpoints (marked with <see cref="AcceptsUpload{TBuilder}"/>: <c>POST /v1/files/original/</c>)
/// may carry <see cref="ESignOptions.MaxUploadRequestBytes"/>; every other endpoint (JSON, form fields, Identity's
/// form posts, SignalR's long-polling posts, unknown paths) <see cref="ESignOptions.MaxJsonBodyBytes"/>.
/// <para>
/// One middleware (after routing, so it knows the endpoint) sets Kestrel's per-request
/// <see cref="IHttpMaxRequestBodySizeFeature"/> to the class's limit, refuses a declared <c>Content-Length</c> over it
/// at once, replaces the body with the decompressed stream when <c>Content-Encoding</c> is gzip, deflate or br (this
/// replaces <c>UseRequestDecompression</c>, whose only bound was the 55 MiB upload limit), and counts what is read
/// through <see cref="LimitedBodyStream"/>, which throws 413 once the limit is passed — nothing is buffered to find
/// out. Form bodies of non-upload endpoints are read here, so a form over the <see cref="FormOptions"/> limits (e.g.
/// 100 000 fields) is refused before any endpoint or antiforgery sees it. Refusals are in the API's error shape under
/// <c>/v1</c> and <c>/v2</c> (<c>request_too_large</c>/<c>file_too_large</c> 413, <c>bad_request</c> 400), plain text
/// elsewhere.
/// </para>
/// </summary>
public static class BodyLimits
{
    /// <summary>At most this many form fields (keys and values) in any form body.</summary>
    public const int MaxFormValues = 1024;

    /// <summary>Longest form field name.</summary>
    public const int MaxFormKeyLength = 2048;

    /// <summary>Multipart: headers per part, their total length, and the boundary's length.</summary>
    public const int MaxMultipartHeaders = 16, MaxMultipartHeadersLength = 16 * 1024, MaxMultipartBoundaryLength = 128;

    /// <summary>Largest SignalR message from a Blazor circuit (signature images travel as JS streams, not messages).</summary>
    public const int MaxCircuitMessageBytes = 32 * 1024;

    /// <summary>Registers the limits (Kestrel, forms, Blazor's hub) and the decompression providers.</summary>
    public static WebApplicationBuilder AddBodyLimits(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ESignOptions>()
            .Validate(o => o.MaxJsonBodyKilobytes is >= 64 and <= 100 * 1024, "ESign:MaxJsonBodyKilobytes must be between 64 and 102400.");
        services.AddRequestDecompression(); // the gzip, deflate and br providers; applied by UseBodyLimits, not by its middleware
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<ESignOptions>>((k, o) =>
        {
            // The largest any endpoint may take; UseBodyLimits lowers it per request for everything but uploads.
            k.Limits.MaxRequestBodySize = o.Value.MaxUploadRequestBytes;
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            k.Limits.MaxRequestHeaderCount = 100;
            k.Limits.MaxRequestLineSize = 8 * 1024;
        });
        services.AddOptions<FormOptions>().Configure<IOptions<ESignOptions>>((f, o) =>
        {
            f.BufferBody = false;
            f.MemoryBufferThreshold = 64 * 1024; // larger file parts go to a temp file, never whole into memory
            f.MultipartBodyLengthLimit = o.Value.MaxUploadRequestBytes;
            f.ValueCountLimit = MaxFormValues;
            f.KeyLengthLimit = MaxFormKeyLength;
            f.ValueLengthLimit = (int)Math.Min(int.MaxValue, o.Value.MaxJsonBodyBytes);
            f.MultipartHeadersCountLimit = MaxMultipartHeaders;
            f.MultipartHeadersLengthLimit = MaxMultipartHeadersLength;
            f.MultipartBoundaryLengthLimit = MaxMultipartBoundaryLength;
        });
        services.AddServerSideBlazor().AddHubOptions(h => h.MaximumReceiveMessageSize = MaxCircuitMessageBytes);
        return builder;
    }

    /// <summary>Marks an endpoint as taking a file upload: its body may be as large as the upload limit.</summary>
    public static TBuilder AcceptsUpload<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(UploadEndpoint.Instance);

    /// <summary>Whether <paramref name="ex"/> says the body passed its limit (ours, or Kestrel's own).</summary>
    public static bool IsTooLarge(Exception ex) => ex is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge };

    public static WebApplication UseBodyLimits(this WebApplication app)
    {
        app.Use(async (ctx, next) =>
        {
            var options = ctx.RequestServices.GetRequiredService<IOptions<ESignOptions>>().Value;
            var upload = ctx.GetEndpoint()?.Metadata is { } metadata &&
                         (metadata.GetMetadata<UploadEndpoint>() is not null || metadata.GetMetadata<AcceptsUploadAttribute>() is not null);
            var limit = upload ? options.MaxUploadRequestBytes : options.MaxJsonBodyBytes;
            if (ctx.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } raw) raw.MaxRequestBodySize = limit;
            if (ctx.Request.ContentLength > limit)
            {
                await RefuseTooLargeAsync(ctx, upload, limit);
                return;
            }

            var original = ctx.Request.Body;
            Stream? inflating = null;
            if (!string.IsNullOrEmpty(ctx.Request.Headers.ContentEncoding))
            {
                // The provider removes Content-Encoding when it knows the encoding; unknown encodings pass as they are.
                inflating = ctx.RequestServices.GetRequiredService<IRequestDecompressionProvider>().GetDecompressionStream(ctx);
                if (inflating is not null) ctx.Request.ContentLength = null;
            }
            ctx.Request.Body = new LimitedBodyStream(inflating ?? original, limit);
            try
            {
                if (!upload && ctx.Request.HasFormContentType)
                {
                    try
                    {
                        await ctx.Request.ReadFormAsync(ctx.RequestAborted); // kept by the form feature for whoever reads it next
                    }
                    catch (Exception ex) when (ex is InvalidDataException || (ex is IOException && !IsTooLarge(ex)))
                    {
                        await RefuseAsync(ctx, ApiErrorCode.BadRequest, "The form could not be read: " + ex.Message);
                        return;
                    }
                }
                await next();
            }
            catch (Exception ex) when (IsTooLarge(ex) && !ctx.Response.HasStarted)
            {
                await RefuseTooLargeAsync(ctx, upload, limit);
            }
            finally
            {
                ctx.Request.Body = original;
                if (inflating is not null) await inflating.DisposeAsync();
            }
        });
        return app;
    }

    private static Task RefuseTooLargeAsync(HttpContext ctx, bool upload, long limit) =>
        RefuseAsync(ctx, upload ? ApiErrorCode.FileTooLarge : ApiErrorCode.RequestTooLarge,
            $"The request body is larger than the {Describe(limit)} limit of this endpoint (counted after decompression).");

    private static async Task RefuseAsync(HttpContext ctx, ApiErrorCode code, string message)
    {
        ctx.Response.Clear();
        if (ApiFamilies.Of(ctx.Request.Path) is { } family)
        {
            await family.WriteErrorAsync(ctx, code, message);
            return;
        }
        ctx.Response.StatusCode = code.Status();
        ctx.Response.ContentType = "text/plain; charset=utf-8";
        await ctx.Response.WriteAsync(message, ctx.RequestAborted);
    }

    private static string Describe(long bytes) =>
        bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MiB" : $"{bytes / 1024} KiB";

    /// <summary>The same mark for a page (a Razor component whose form takes a file: <c>/verify</c>).</summary>
    [AttributeUsage(AttributeTargets.Class)]
    public sealed class AcceptsUploadAttribute : Attribute;

    private sealed class UploadEndpoint
    {
        public static readonly UploadEndpoint Instance = new();
    }
}

/// <summary>
/// A read-only view of a request body that throws <see cref="BadHttpRequestException"/> (413) as soon as more than
/// <c>limit</c> bytes have been read — so an inflating gzip stream stops at the limit, whatever it would grow to.
/// </summary>
public sealed class LimitedBodyStream(Stream inner, long limit) : Stream
{
    private long _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Count(int n)
    {
        _read += n;
        if (_read > limit)
            throw new BadHttpRequestException($"The request body is larger than its limit of {limit} bytes (counted after decompression).",
                StatusCodes.Status413PayloadTooLarge);
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
