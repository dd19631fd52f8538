using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ESignWeb.Evidence;

/// <summary>What <see cref="EmbeddedSignature.Check"/> found in a file.</summary>
/// <param name="Found">A <c>/ByteRange</c> with a decodable CMS signature was found.</param>
/// <param name="SignatureValid">The CMS signature verifies with its signer certificate over the signed attributes.</param>
/// <param name="DigestMatches">The signed messageDigest equals the hash of the two signed byte ranges.</param>
/// <param name="CoversWholeFile">The signed ranges reach the end of the file (nothing appended after signing).</param>
/// <param name="SignerIsInstance">The signer certificate is this instance's seal certificate.</param>
/// <param name="SignerSubject">The signer certificate's subject (null when none).</param>
/// <param name="TimestampedAt">The time of an RFC 3161 timestamp token on the signature, when it carries a valid one.</param>
public sealed record SignatureCheck(bool Found, bool SignatureValid, bool DigestMatches, bool CoversWholeFile, bool SignerIsInstance,
    string? SignerSubject, DateTimeOffset? TimestampedAt)
{
    public static readonly SignatureCheck None = new(false, false, false, false, false, null, null);

    /// <summary>Signed by this instance, and not a byte changed or added since.</summary>
    public bool Intact => Found && SignatureValid && DigestMatches && CoversWholeFile && SignerIsInstance;
}

/// <summary>
/// Checks the last embedded PDF signature of an UNTRUSTED file without parsing the PDF (no PDFsharp: its recursion
/// can exhaust the stack on a hostile file). It scans the bytes for the last <c>/ByteRange [a b c d]</c>, bounds every
/// number by the file's length, reads the hex <c>/Contents</c> between the two ranges (the gap <c>[a+b, c)</c> is
/// exactly <c>&lt;hex&gt;</c>), decodes the CMS with <see cref="SignedCms"/>, hashes the two ranges streamed, and checks
/// that the signed messageDigest equals that hash and that the signature over the signed attributes verifies with the
/// signer certificate (PDFsharp signs without signed attributes: then the signature is checked over that hash
/// directly). <see cref="SignedCms.CheckSignature(bool)"/> itself is not used: for detached content it wants the
/// whole content in memory; the same check is done here on the raw signed attributes, with the content hashed streamed.
/// Every failure answers <see cref="SignatureCheck.None"/> or a check with the failed part false — never an exception.
/// </summary>
public static class EmbeddedSignature
{
    /// <summary>Largest <c>/Contents</c> accepted (hex characters): a CMS with a certificate chain and a timestamp is a few KiB.</summary>
    public const int MaxContentsHexLength = 1024 * 1024;

    private static readonly byte[] ByteRangeKey = "/ByteRange"u8.ToArray();
    private const string TimestampTokenOid = "1.2.840.113549.1.9.16.2.14";
    private const string MessageDigestOid = "1.2.840.113549.1.9.4";

    /// <summary>Checks <paramref name="file"/> (seekable, read from its start).</summary>
    /// <param name="instance">This instance's seal certificate.</param>
    public static SignatureCheck Check(Stream file, X509Certificate2? instance)
    {
        try
        {
            return CheckCore(file, instance);
        }
        catch (Exception ex) when (ex is CryptographicException or AsnContentException or FormatException or IOException
                                       or ArgumentException or InvalidOperationException or OverflowException or NotSupportedException)
        {
            return SignatureCheck.None;
        }
    }

    private static SignatureCheck CheckCore(Stream file, X509Certificate2? instance)
    {
        if (!file.CanSeek) throw new ArgumentException("The file must be seekable.", nameof(file));
        var length = file.Length;
        if (LastByteRange(file) is not (var a, var b, var c, var d)) return SignatureCheck.None;
        var gap = c - b;
        if (gap < 2 || gap > MaxContentsHexLength + 2) return SignatureCheck.None;
        var hex = ReadRange(file, b, (int)gap);
        if (hex is null || hex.Length != gap || hex[0] != (byte)'<' || hex[^1] != (byte)'>') return SignatureCheck.None;
        var der = DecodeHex(hex.AsSpan(1, hex.Length - 2));
        if (der is null || der.Length == 0) return SignatureCheck.None;
        // The placeholder is padded with zeros after the CMS: keep the first DER value only.
        if (!AsnDecoder.TryReadEncodedValue(der, AsnEncodingRules.BER, out _, out _, out _, out var used)) return SignatureCheck.None;
        var cms = der.AsMemory(0, used);

        var signed = new SignedCms();
        signed.Decode(cms.Span);
        if (signed.SignerInfos.Count != 1) return SignatureCheck.None;
        var signer = signed.SignerInfos[0];
        var cert = signer.Certificate;
        var coversWhole = c + d == length;

        using var hash = HashFor(signer.DigestAlgorithm.Value);
        if (hash is null) return new SignatureCheck(true, false, false, coversWhole, IsInstance(cert, instance), cert?.Subject, null);
        HashRange(file, a, b, hash);
        HashRange(file, c, d, hash);
        var digest = hash.GetHashAndReset();

        if (cert is null) return new SignatureCheck(true, false, false, coversWhole, false, null, Timestamp(signer));
        var (hasAttributes, valid) = VerifySignature(cms, signer, cert, digest);
        bool digestMatches;
        if (hasAttributes)
        {
            var messageDigest = signer.SignedAttributes.Cast<CryptographicAttributeObject>()
                .Where(x => x.Oid.Value == MessageDigestOid).SelectMany(x => x.Values.Cast<AsnEncodedData>())
                .Select(v => new Pkcs9MessageDigest { RawData = v.RawData }.MessageDigest).FirstOrDefault();
            digestMatches = messageDigest is not null && CryptographicOperations.FixedTimeEquals(messageDigest, digest);
        }
        else digestMatches = valid; // signed without attributes (PDFsharp's signer): the signature is over the content's digest itself
        return new SignatureCheck(true, valid, digestMatches, coversWhole, IsInstance(cert, instance), cert?.Subject, Timestamp(signer));
    }

    private static bool IsInstance(X509Certificate2? cert, X509Certificate2? instance) =>
        cert is not null && instance is not null && cert.RawDataMemory.Span.SequenceEqual(instance.RawDataMemory.Span);

    /// <summary>The time of a timestamp token (RFC 3161, unsigned attribute) that is over this signer's signature.</summary>
    private static DateTimeOffset? Timestamp(SignerInfo signer)
    {
        foreach (var attr in signer.UnsignedAttributes.Cast<CryptographicAttributeObject>().Where(x => x.Oid.Value == TimestampTokenOid))
            foreach (var v in attr.Values.Cast<AsnEncodedData>())
                if (Rfc3161TimestampToken.TryDecode(v.RawData, out var token, out _) && token.VerifySignatureForSignerInfo(signer, out _))
                    return token.TokenInfo.Timestamp;
        return null;
    }

    /// <summary>
    /// Verifies the signature value with the signer certificate's RSA (PKCS#1 v1.5) or ECDSA key (RFC 5652 §5.4): over
    /// the DER SET of signed attributes when there are any (taken as encoded in the CMS, its [0] IMPLICIT tag replaced
    /// by SET), otherwise over <paramref name="contentDigest"/> itself.
    /// </summary>
    private static (bool HasAttributes, bool Valid) VerifySignature(ReadOnlyMemory<byte> cms, SignerInfo signer, X509Certificate2 cert, byte[] contentDigest)
    {
        if (HashName(signer.DigestAlgorithm.Value) is not { } name) return (false, false);
        var attrs = RawSignedAttributes(cms);
        byte[] hashed;
        if (attrs is null) hashed = contentDigest;
        else
        {
            attrs[0] = 0x31;
            hashed = name == HashAlgorithmName.SHA256 ? SHA256.HashData(attrs)
                : name == HashAlgorithmName.SHA384 ? SHA384.HashData(attrs) : SHA512.HashData(attrs);
        }
        var signature = signer.GetSignature();
        using (var rsa = cert.GetRSAPublicKey())
            if (rsa is not null) return (attrs is not null, rsa.VerifyHash(hashed, signature, name, RSASignaturePadding.Pkcs1));
        using (var ec = cert.GetECDsaPublicKey())
            if (ec is not null) return (attrs is not null, ec.VerifyHash(hashed, signature, DSASignatureFormat.Rfc3279DerSequence));
        return (attrs is not null, false);
    }

    /// <summary>The first SignerInfo's signedAttrs element, tag included (a copy), or null.</summary>
    private static byte[]? RawSignedAttributes(ReadOnlyMemory<byte> cms)
    {
        var contentInfo = new AsnReader(cms, AsnEncodingRules.BER).ReadSequence();
        contentInfo.ReadObjectIdentifier();
        var signedData = contentInfo.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
        signedData.ReadInteger();
        signedData.ReadSetOf();
        signedData.ReadSequence();
        while (signedData.HasData)
        {
            var tag = signedData.PeekTag();
            if (tag.TagClass == TagClass.ContextSpecific) { signedData.ReadEncodedValue(); continue; } // certificates, crls
            var signerInfos = signedData.ReadSetOf();
            var si = signerInfos.ReadSequence();
            si.ReadInteger();
            si.ReadEncodedValue(); // sid
            si.ReadSequence(); // digestAlgorithm
            if (!si.HasData || si.PeekTag() != new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)) return null;
            return si.ReadEncodedValue().ToArray();
        }
        return null;
    }

    private static HashAlgorithmName? HashName(string? oid) => oid switch
    {
        "2.16.840.1.101.3.4.2.1" => HashAlgorithmName.SHA256,
        "2.16.840.1.101.3.4.2.2" => HashAlgorithmName.SHA384,
        "2.16.840.1.101.3.4.2.3" => HashAlgorithmName.SHA512,
        _ => null,
    };

    private static IncrementalHash? HashFor(string? oid) => HashName(oid) is { } n ? IncrementalHash.CreateHash(n) : null;

    private static void HashRange(Stream file, long start, long count, IncrementalHash hash)
    {
        file.Position = start;
        var buffer = new byte[81920];
        while (count > 0)
        {
            var n = file.Read(buffer, 0, (int)Math.Min(buffer.Length, count));
            if (n <= 0) throw new IOException("The file ended inside a signed range.");
            hash.AppendData(buffer, 0, n);
            count -= n;
        }
    }

    /// <summary>Up to <paramref name="count"/> bytes from <paramref name="start"/> (fewer at the end of the file), or null past it.</summary>
    /// <summary>
    /// The last <c>/ByteRange [a b c d]</c> in a seekable file, scanned as bytes and bounded: the first range starts the
    /// file, the gap <c>[b, c)</c> (the <c>/Contents</c>) is not empty, both ranges lie inside the file; null otherwise.
    /// Also how the sealing code finds its own signature's gap (<see cref="Timestamping.SignatureContents.Find"/>).
    /// </summary>
    internal static (long A, long B, long C, long D)? LastByteRange(Stream file)
    {
        var length = file.Length;
        if (length < 16) return null;
        var at = LastIndexOf(file, ByteRangeKey);
        if (at < 0) return null;
        if (ReadRange(file, at + ByteRangeKey.Length, 200) is not { } tail || ParseRange(tail) is not { } r) return null;
        var (a, b, c, d) = r;
        return a != 0 || b <= 0 || c <= b || d < 0 || c > length || d > length - c ? null : r;
    }

    private static byte[]? ReadRange(Stream file, long start, int count)
    {
        if (start < 0 || start >= file.Length) return null;
        file.Position = start;
        var buffer = new byte[(int)Math.Min(count, file.Length - start)];
        file.ReadExactly(buffer);
        return buffer;
    }

    /// <summary>"  [0 123 456 789]" → the four numbers; each at most 12 digits, nothing else but white space.</summary>
    internal static (long A, long B, long C, long D)? ParseRange(ReadOnlySpan<byte> s)
    {
        var i = 0;
        SkipSpace(s, ref i);
        if (i >= s.Length || s[i] != (byte)'[') return null;
        i++;
        Span<long> n = stackalloc long[4];
        for (var k = 0; k < 4; k++)
        {
            SkipSpace(s, ref i);
            var start = i;
            long v = 0;
            while (i < s.Length && s[i] is >= (byte)'0' and <= (byte)'9')
            {
                if (i - start >= 12) return null;
                v = v * 10 + (s[i] - '0');
                i++;
            }
            if (i == start) return null;
            n[k] = v;
        }
        SkipSpace(s, ref i);
        if (i >= s.Length || s[i] != (byte)']') return null;
        return (n[0], n[1], n[2], n[3]);
    }

    private static void SkipSpace(ReadOnlySpan<byte> s, ref int i)
    {
        while (i < s.Length && s[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0 or 12) i++;
    }

    /// <summary>Hex digits (white space allowed, as PDF does) → bytes; an odd count gets a trailing 0 (PDF); null on anything else.</summary>
    internal static byte[]? DecodeHex(ReadOnlySpan<byte> hex)
    {
        var result = new byte[(hex.Length + 1) / 2];
        int count = 0, high = -1;
        foreach (var ch in hex)
        {
            int v = ch switch
            {
                >= (byte)'0' and <= (byte)'9' => ch - '0',
                >= (byte)'a' and <= (byte)'f' => ch - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => ch - 'A' + 10,
                (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 12 or 0 => -1,
                _ => -2,
            };
            if (v == -2) return null;
            if (v == -1) continue;
            if (high < 0) high = v;
            else { result[count++] = (byte)(high << 4 | v); high = -1; }
        }
        if (high >= 0) result[count++] = (byte)(high << 4);
        return result.AsSpan(0, count).ToArray();
    }

    /// <summary>The offset of the last occurrence of <paramref name="key"/>, scanning forward in blocks; -1 when absent.</summary>
    internal static long LastIndexOf(Stream file, byte[] key)
    {
        file.Position = 0;
        var buffer = new byte[64 * 1024 + key.Length];
        long last = -1, offset = 0; // offset: file position of buffer[0]
        var kept = 0;
        while (true)
        {
            var n = file.Read(buffer, kept, buffer.Length - kept);
            if (n <= 0) break;
            var span = buffer.AsSpan(0, kept + n);
            var from = 0;
            while (true)
            {
                var i = span[from..].IndexOf(key);
                if (i < 0) break;
                last = offset + from + i;
                from += i + 1;
            }
            // Keep the tail that may hold the start of a match split across blocks.
            kept = Math.Min(key.Length - 1, span.Length);
            span[^kept..].CopyTo(buffer);
            offset += span.Length - kept;
        }
        return last;
    }

    /// <summary>The first string value of <paramref name="key"/> (e.g. <c>/ESignWebReference</c>) found in the bytes, as a
    /// literal <c>(…)</c> of at most 64 plain characters [A-Za-z0-9_-]; null when absent or anything else.</summary>
    public static string? LastLiteral(Stream file, string key)
    {
        var k = Encoding.ASCII.GetBytes(key);
        var at = LastIndexOf(file, k);
        if (at < 0 || ReadRange(file, at + k.Length, 80) is not { } tail) return null;
        var i = 0;
        SkipSpace(tail, ref i);
        if (i >= tail.Length || tail[i] != (byte)'(') return null;
        var start = ++i;
        while (i < tail.Length && i - start <= 64 && (char)tail[i] is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_') i++;
        if (i >= tail.Length || tail[i] != (byte)')' || i == start) return null;
        return Encoding.ASCII.GetString(tail, start, i - start);
    }
}
