using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace StatelessApp.Hosting.Requests;

public static class SameOriginExtensions
{
    /// <summary>
    /// Unsafe requests to these endpoints must come from the app's own origin or a non-browser client, and a POST must
    /// carry JSON or the X-Requested-With header (see <see cref="SameOriginFilter"/>); safe methods pass untouched.
    /// For cookie-authenticated APIs; Razor forms have their antiforgery token instead.
    /// </summary>
    public static TBuilder RequireSameOrigin<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, SameOriginFilter>();
}
