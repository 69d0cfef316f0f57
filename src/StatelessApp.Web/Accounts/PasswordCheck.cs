using Microsoft.AspNetCore.Identity;

namespace StatelessApp.Web.Accounts;

/// <summary>
/// Email + password → the account, or null for every failure alike (unknown email, wrong password, locked out), with
/// Identity's lockout counting wrong passwords. Every failure costs one password verification (the decoy's when there is
/// no account hash to check), so neither the answer nor its time tells whether the email has an account. A hash made
/// at a lower iteration count is rehashed at the current one by Identity on a successful check. Reads on the PRIMARY
/// (the store's context): a standby could still hold a password changed a moment ago, a lockout or an account
/// registered a moment ago on another region's instance.
/// </summary>
public sealed class PasswordCheck(UserManager<ShopAccount> accounts, IPasswordHasher<ShopAccount> hasher, DecoyPasswordHash decoy)
{
    public async Task<ShopAccount?> CheckAsync(string email, string password)
    {
        var account = await accounts.FindByEmailAsync(email);
        if (account is null || await accounts.IsLockedOutAsync(account))
        {
            decoy.Verify(hasher, password);
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

    /// <summary>An attempt the sign-in throttle paused for its account: answered as a wrong password, after as long.</summary>
    public void Paused(string password) => decoy.Verify(hasher, password);
}
