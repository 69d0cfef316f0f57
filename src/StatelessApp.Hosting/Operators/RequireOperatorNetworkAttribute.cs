namespace StatelessApp.Hosting.Operators;

/// <summary>
/// Endpoint metadata: only clients in <c>Operators:Networks</c> reach this endpoint; everyone else gets the same 404 as a
/// path that does not exist. On a Razor page's model class as an attribute, on a minimal API endpoint through
/// <see cref="OperatorNetworkExtensions.RequireOperatorNetwork{TBuilder}"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, Inherited = true)]
public sealed class RequireOperatorNetworkAttribute : Attribute;
