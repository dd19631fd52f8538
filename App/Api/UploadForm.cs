using System.Text;
using ESignWeb.Domain;
using ESignWeb.Storage;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace ESignWeb.Api;

/// <summary>
/// The multipart body of an upload, read section by section instead of with <c>ReadFormAsync</c> (which reads every
/// text part whole into memory, so one gzip body could carry a 50 MiB "name"): the one file part is streamed to a temp
/// file, text parts are capped at <see cref="MaxTextBytes"/>, and there are at most <see cref="MaxSections"/> parts.
/// The body as a whole is already bounded (after decompression) by <see cref="Hosting.BodyLimits"/>.
/// </summary>
public sealed class UploadForm : IAsyncDisposable
{
    public const int MaxTextBytes = 16 * 1024;
    public const int MaxSections = 16;

    private UploadForm() { }

    public Dictionary<string, string> Fields { get; } = new(StringComparer.Ordinal);
    /// <summary>The file part's content on disk (deleted on dispose); null when the body had none.</summary>
    public string? FilePath { get; private set; }
    public string? FileName { get; private set; }

    public string Field(string name) => Fields.TryGetValue(name, out var v) ? v : "";

    /// <summary>Reads the body; a malformed one is an <see cref="AppException"/> <c>bad_request</c>.</summary>
    public static async Task<UploadForm> ReadAsync(HttpRequest request, DataPaths paths, string fileField, CancellationToken ct)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) ||
            !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            throw AppException.BadRequest($"Send multipart/form-data with the fields name and {fileField}.");
        var boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 128)
            throw AppException.BadRequest("The multipart boundary is missing or longer than 128 characters.");

        var form = new UploadForm();
        try
        {
            var reader = new MultipartReader(boundary, request.Body) { HeadersCountLimit = 16, HeadersLengthLimit = 16 * 1024 };
            var sections = 0;
            while (await ReadSectionAsync(reader, ct) is { } section)
            {
                if (++sections > MaxSections) throw AppException.BadRequest($"The form has more than {MaxSections} parts.");
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) ||
                    !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                    continue; // not a form field: ignored, as ReadFormAsync does
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (disposition.IsFileDisposition() || name == fileField)
                {
                    if (name != fileField) continue; // other files are not read into anything (drained by the next read)
                    if (form.FilePath is not null) throw AppException.BadRequest($"Send one {fileField}.");
                    form.FilePath = paths.NewTempFile();
                    form.FileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar).Value ?? HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                    await using var target = new FileStream(form.FilePath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
                    await section.Body.CopyToAsync(target, ct);
                }
                else
                {
                    form.Fields[name] = await ReadTextAsync(section.Body, name, ct);
                }
            }
            return form;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException && !Hosting.BodyLimits.IsTooLarge(ex))
        {
            await form.DisposeAsync();
            throw AppException.BadRequest("The form could not be read: " + ex.Message);
        }
        catch
        {
            await form.DisposeAsync();
            throw;
        }
    }

    private static Task<MultipartSection?> ReadSectionAsync(MultipartReader reader, CancellationToken ct) => reader.ReadNextSectionAsync(ct);

    private static async Task<string> ReadTextAsync(Stream body, string name, CancellationToken ct)
    {
        var buffer = new byte[MaxTextBytes + 1];
        var n = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
        if (n > MaxTextBytes) throw AppException.BadRequest($"The field {name} is longer than {MaxTextBytes / 1024} KB.");
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    public ValueTask DisposeAsync()
    {
        if (FilePath is not null && File.Exists(FilePath)) File.Delete(FilePath);
        return ValueTask.CompletedTask;
    }
}
