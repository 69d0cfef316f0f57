using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace StatelessApp.Web.Accounts;

/// <summary>
/// A hash of a random password that no account has, made once per process with the app's hasher: a failed sign-in that
/// has no account hash to verify (unknown email, locked or paused account) verifies against it, so every failure costs
/// one verification at the configured work factor, as a wrong password does, and the time tells none of them apart.
/// </summary>
public sealed class DecoyPasswordHash
{
    private static readonly ShopAccount Nobody = new();

    // Made on first use, not at start-up (a hash costs ~0.1 s); two first callers may both make one: either serves.
    private string? _hash;

    /// <summary>One verification of <paramref name="password"/>, whose result says nothing.</summary>
    public void Verify(IPasswordHasher<ShopAccount> hasher, string password)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        _hash ??= hasher.HashPassword(Nobody, RandomNumberGenerator.GetHexString(32));
        _ = hasher.VerifyHashedPassword(Nobody, _hash, password);
    }
}
