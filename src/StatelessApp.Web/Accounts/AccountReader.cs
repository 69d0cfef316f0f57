using Microsoft.EntityFrameworkCore;
using StatelessApp.Hosting.Data;
using StatelessApp.Web.Data;

namespace StatelessApp.Web.Accounts;

/// <summary>
/// The Account page's data, from a STANDBY through the read context: the consistency token in the session (written by
/// the registration or the last password change) sends the read to a standby that has replayed it, else the primary,
/// so a user never reads its account as it was before its own last write, on any instance of either region.
/// </summary>
public sealed class AccountReader(ReadOnlyDbContext<ShopDbContext> readOnly)
{
    public Task<AccountSummary?> FindAsync(string shopperId, CancellationToken cancellationToken) =>
        !ShopAccount.TryParseShopperId(shopperId, out var id)
            ? Task.FromResult<AccountSummary?>(null)
            : readOnly.Context.Users
                .Where(account => account.Id == id)
                .Select(account => new AccountSummary(account.Email!))
                .FirstOrDefaultAsync(cancellationToken);
}

/// <summary>What the Account page shows.</summary>
public sealed record AccountSummary(string Email);
