using ESignWeb.Api;
using ESignWeb.Domain;

namespace ESignWeb.Documents;

/// <summary>The refusals of an untrusted PDF that are about safety (limits, crashes), all in one shape.</summary>
public static class PdfRefusal
{
    public const string Prefix = "This PDF could not be read safely: ";

    /// <summary>A <c>file_conversion_failure</c> whose message is <see cref="Prefix"/> + <paramref name="reason"/>.</summary>
    public static AppException Unsafe(string reason) => new(ApiErrorCode.FileConversionFailure, Prefix + reason);

    public static AppException TooDeep() => Unsafe("its structure is too deeply nested or loops.");

    public static AppException TooSlow(double seconds) => Unsafe($"reading it took longer than {seconds:0.###} s.");

    /// <summary>No inspection worker became free within the timeout (other uploads are being checked).</summary>
    public static AppException Busy() =>
        new(ApiErrorCode.FileConversionFailure, "ESignWeb is busy checking other uploads; try again in a minute.");

    public static AppException TooBig(int megabytes) => Unsafe($"it needed more than {megabytes} MB of memory.");

    public static AppException Crashed() => Unsafe("the PDF reader stopped unexpectedly on it.");
}
