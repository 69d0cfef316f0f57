namespace StatelessApp.Hosting.Consistency;

/// <summary>
/// Endpoint metadata: every read of the request goes to the primary, whatever the token says. For pages that must be
/// current for everyone (e.g. stock right before payment). Minimal APIs: <c>.WithMetadata(new ReadFromPrimaryAttribute())</c>.
/// For a single query, use the primary context (<c>TContext</c>) instead of the read context.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
public sealed class ReadFromPrimaryAttribute : Attribute;
