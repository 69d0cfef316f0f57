namespace StatelessApp.Web.Shop;

/// <summary>What became of a "sign out everywhere" (or a password change's revocation of the other cookies).</summary>
public enum RevocationOutcome
{
    /// <summary>Stored and confirmed by a Redis replica: every other cookie is refused on its next request, on every instance.</summary>
    Revoked,

    /// <summary>Redis failed: nothing was revoked in Redis (this browser keeps its cookie). Try again.</summary>
    NotStored,

    /// <summary>Stored on the Redis primary (this browser's cookie re-issued) but no replica confirmed it yet: repeat to be sure.</summary>
    NotConfirmed,
}
