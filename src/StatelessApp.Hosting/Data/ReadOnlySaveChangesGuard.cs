using Microsoft.EntityFrameworkCore.Diagnostics;

namespace StatelessApp.Hosting.Data;

/// <summary>
/// Makes SaveChanges on a read context fail loudly: its connection may point at a standby (the write would fail with
/// 25006 later and less clearly) or, after a fallback, at the primary (the write would silently bypass the write path).
/// </summary>
internal sealed class ReadOnlySaveChangesGuard : SaveChangesInterceptor
{
    public const string Message = "read-only context";

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result) =>
        throw new InvalidOperationException(Message);

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException(Message);
}
