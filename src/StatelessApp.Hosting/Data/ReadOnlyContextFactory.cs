using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace StatelessApp.Hosting.Data;

/// <summary>
/// Builds the read instance of <typeparamref name="TContext"/>. It owns read options of its own (no tracking, the
/// SaveChanges guard, the routing interceptor, no connection yet), distinct from the DI-registered
/// <see cref="DbContextOptions{TContext}"/> of the primary instance, so both instances live side by side in one scope.
/// Where the reads go is decided when the connection opens (<see cref="ReadRoutingInterceptor"/>), by the scope's
/// <see cref="IReadDataSourceSelector"/>: a later routing rule changes nothing here.
/// </summary>
internal sealed class ReadOnlyContextFactory<TContext>(DbContextOptions<TContext> readOptions)
    where TContext : DbContext
{
    // Resolves the context's other constructor parameters from the scope; the options are always ours.
    private static readonly ObjectFactory<TContext> Activate =
        ActivatorUtilities.CreateFactory<TContext>([typeof(DbContextOptions<TContext>)]);

    public TContext Create(IServiceProvider scope, ReplicatedDataSource dataSource)
    {
        var selector = scope.GetRequiredService<IReadDataSourceSelector>();
        var context = Activate(scope, [readOptions]);
        // A connection object costs nothing until opened; the default rule keeps it, another rule may swap it.
        var initial = dataSource.PreferStandby;
        context.Database.SetDbConnection(initial.CreateConnection(), contextOwnsConnection: true);
        ReadRoutingInterceptor.Attach(context, selector, dataSource, initial);
        return context;
    }
}
