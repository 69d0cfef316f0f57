using Microsoft.AspNetCore.Identity;
using StatelessApp.Web.Shop;

namespace StatelessApp.Web.Accounts;

/// <summary>
/// Password change and "sign out everywhere": a new security stamp on the primary (confirmed by a standby), then the
/// same stamp in Redis so every instance refuses the account's other cookies on their next request; this browser's
/// cookie is re-issued with it and stays signed in.
/// </summary>
public sealed class AccountRevocation(UserManager<ShopAccount> accounts, ConfirmedAccountWrites writes, ShopperRevocation revocation)
{
    public async Task<RevocationOutcome> SignOutEverywhereAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var account = await SignedInAccountAsync(context);
        var result = await writes.RunAsync(() => accounts.UpdateSecurityStampAsync(account), cancellationToken);
        EnsureSucceeded(result);
        return await revocation.ApplyAsync(context, account.SecurityStamp!);
    }

    /// <summary>The Identity result (a wrong current password, a new one too weak), or on success the revocation's outcome.</summary>
    public async Task<(IdentityResult Result, RevocationOutcome? Outcome)> ChangePasswordAsync(HttpContext context, string current, string replacement,
        CancellationToken cancellationToken)
    {
        var account = await SignedInAccountAsync(context);
        var result = await writes.RunAsync(() => accounts.ChangePasswordAsync(account, current, replacement), cancellationToken);
        return result.Succeeded
            ? (result, await revocation.ApplyAsync(context, account.SecurityStamp!))
            : (result, null);
    }

    /// <summary>The account of this request's cookie, read on the primary (about to be written).</summary>
    private async Task<ShopAccount> SignedInAccountAsync(HttpContext context)
    {
        if (context.User.AccountEmail() is null || !ShopAccount.TryParseShopperId(context.User.GetShopperId(), out var id))
        {
            throw new InvalidOperationException("Not signed in: only an account's page or request revokes an account's cookies.");
        }

        return await accounts.FindByIdAsync(id.ToString())
               ?? throw new InvalidOperationException($"Account {id:N} of a valid cookie does not exist.");
    }

    private static void EnsureSucceeded(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("Security stamp not updated: " + string.Join("; ", result.Errors.Select(error => error.Description)));
        }
    }
}
