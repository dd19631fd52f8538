namespace ESignWeb.Localization;

/// <summary>Resource marker: the texts of the signer's pages (<c>SignerText.resx</c> and its .de/.fr/.es siblings).</summary>
public sealed class SignerText;
