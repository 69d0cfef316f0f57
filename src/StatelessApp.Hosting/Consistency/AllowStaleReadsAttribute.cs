namespace StatelessApp.Hosting.Consistency;

/// <summary>
/// Endpoint metadata: opt out of read-your-writes. Reads go to a usable standby even if the request's token is ahead of
/// it (no wait, no primary). For reads where a slightly old answer is fine (catalogue, public listings).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
public sealed class AllowStaleReadsAttribute : Attribute;
