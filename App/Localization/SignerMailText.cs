namespace ESignWeb.Localization;

/// <summary>Resource marker: the texts of every mail a signer receives (<c>SignerMailText.resx</c> and its .de/.fr/.es siblings).</summary>
public sealed class SignerMailText;
