using Microsoft.AspNetCore.Identity;

namespace StatelessApp.Web.Accounts;

/// <summary>
/// Email + password → the account, or null for every failure alike (unknown email, wrong password, locked out), with
/// Identity's lockout counting wrong passwords. Reads on the PRIMARY (the store's context): a standby could still hold
/// a password changed a moment ago, a lockout or an account registered a moment ago on another region's instance.
/// </summary>
public sealed class PasswordCheck(UserManager<ShopAccount> accounts, IPasswordHasher<ShopAccount> hasher)
{
    private static readonly ShopAccount Nobody = new();

    // A hash to verify against when the email is unknown, so that case costs the same hashing time as a wrong password.
    private static string? s_nobodysHash;

    public async Task<ShopAccount?> CheckAsync(string email, string password)
    {
        var account = await accounts.FindByEmailAsync(email);
        if (account is null)
        {
            s_nobodysHash ??= hasher.HashPassword(Nobody, Guid.NewGuid().ToString());
            _ = hasher.VerifyHashedPassword(Nobody, s_nobodysHash, password);
            return null;
        }

        if (await accounts.IsLockedOutAsync(account))
        {
            return null;
        }

        if (!await accounts.CheckPasswordAsync(account, password))
        {
            _ = await accounts.AccessFailedAsync(account); // locks the account at Accounts:MaxFailedAccessAttempts
            return null;
        }

        if (account.AccessFailedCount > 0)
        {
            _ = await accounts.ResetAccessFailedCountAsync(account);
        }

        return account;
    }
}
