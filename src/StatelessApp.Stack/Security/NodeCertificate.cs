namespace StatelessApp.Stack.Security;

/// <summary>
/// The PEM files of one certificate the stack's CA issued: the certificate, its private key (PKCS#8, mode 600), and
/// both in one file (HAProxy's <c>crt</c> wants them together).
/// </summary>
public sealed record NodeCertificate(string CertificateFile, string KeyFile, string CombinedPemFile);
