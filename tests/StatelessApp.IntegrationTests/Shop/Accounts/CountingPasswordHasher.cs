using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using StatelessApp.Web.Accounts;

namespace StatelessApp.IntegrationTests.Shop.Accounts;

/// <summary>
/// Identity's hasher with the app's options, counting the verifications it runs: what a sign-in paid, without timing it.
/// One per instance (a singleton that is also the instance's IPasswordHasher).
/// </summary>
internal sealed class CountingPasswordHasher(IOptions<PasswordHasherOptions> options) : IPasswordHasher<ShopAccount>
{
    private readonly PasswordHasher<ShopAccount> _inner = new(options);
    private long _verifications;

    public long Verifications => Interlocked.Read(ref _verifications);

    public string HashPassword(ShopAccount user, string password) => _inner.HashPassword(user, password);

    public PasswordVerificationResult VerifyHashedPassword(ShopAccount user, string hashedPassword, string providedPassword)
    {
        Interlocked.Increment(ref _verifications);
        return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
    }
}
