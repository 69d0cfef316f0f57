using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using StatelessApp.Hosting.Data;
using StatelessApp.Web.Data;

namespace StatelessApp.Web.Accounts;

/// <summary>
/// Runs an Identity write (registration, password, security stamp) on the primary and acknowledges it only once a
/// standby has flushed it (<see cref="StandbyConfirmation{TContext}"/>, as a checkout does): an account, or a revocation,
/// the user was shown must survive the loss of the primary's region.
/// </summary>
public sealed class ConfirmedAccountWrites(ShopDbContext db, StandbyConfirmation<ShopDbContext> confirmation)
{
    /// <summary>The write's result; confirmed when it succeeded.</summary>
    /// <exception cref="WriteNotConfirmedException">Committed on the primary but no standby confirmed it in time (→ 503).</exception>
    public async Task<IdentityResult> RunAsync(Func<Task<IdentityResult>> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);

        // Held open across the store's COMMIT, so that the confirmation asks the server that committed.
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var result = await write();
            if (result.Succeeded)
            {
                await confirmation.ConfirmCommitAsync(db, cancellationToken);
            }

            return result;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
