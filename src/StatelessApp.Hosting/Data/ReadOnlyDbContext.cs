using Microsoft.EntityFrameworkCore;

namespace StatelessApp.Hosting.Data;

/// <summary>
/// A <typeparamref name="TContext"/> for reads: connected where <see cref="IReadDataSourceSelector"/> says (by default a
/// standby when one is up, else the primary), no change tracking, and SaveChanges throws
/// <see cref="InvalidOperationException"/> ("read-only context"). Inject it next to <typeparamref name="TContext"/>, which
/// stays on the primary.
/// </summary>
public sealed class ReadOnlyDbContext<TContext> : IDisposable, IAsyncDisposable
    where TContext : DbContext
{
    internal ReadOnlyDbContext(TContext context) => Context = context;

    public TContext Context { get; }

    public void Dispose() => Context.Dispose();

    public ValueTask DisposeAsync() => Context.DisposeAsync();
}
