namespace StatelessApp.Stack.Security;

/// <summary>What a leaf certificate may authenticate (its extended key usages).</summary>
[Flags]
public enum CertificateUse
{
    Server = 1,
    Client = 2,
}
