using Microsoft.AspNetCore.Http;

namespace StatelessApp.Hosting.Sessions;

/// <summary>
/// Binds sessions to whoever they were created for (the shop: the shopper id). Registered in DI, it is asked when a
/// session is loaded: a stored session whose owner differs from the request's is refused and a new one started, so a
/// session id planted in a victim's browser (the attacker's own session cookie) or replayed by someone else is never
/// used. Without a registration sessions are bound to no one. After the owner changes (a sign-in), call
/// <see cref="SessionRegeneration.RegenerateAsync"/> so the session carries on under a new id bound to the new owner.
/// </summary>
public interface ISessionOwner
{
    /// <summary>The owner of this request, or null for none (read after authentication, when the session is first loaded).</summary>
    string? OwnerOf(HttpContext context);
}
