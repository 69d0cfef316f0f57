using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace StatelessApp.Hosting.Data;

/// <summary>
/// Routes the read context each time it opens its connection: asks the scope's <see cref="IReadDataSourceSelector"/> and,
/// when the answer differs from the connection the context holds, gives the context a connection from the chosen data
/// source before EF opens it. Deciding at open time (not when the context is created) is what lets a rule await
/// something (a standby catching up, the session) and lets a retry after a failure land somewhere else.
/// </summary>
/// <remarks>
/// The options (and so this interceptor) are shared by every read context; the per-scope part (selector, current source)
/// is attached to each context instance by <see cref="ReadOnlyContextFactory{TContext}"/>. Swapping the connection is
/// allowed here because EF only counts the connection as opened after this callback returns.
/// </remarks>
internal sealed class ReadRoutingInterceptor : DbConnectionInterceptor
{
    private static readonly ConditionalWeakTable<DbContext, Route> Routes = new();

    public static void Attach(DbContext context, IReadDataSourceSelector selector, ReplicatedDataSource dataSource, NpgsqlDataSource initial) =>
        Routes.AddOrUpdate(context, new Route(selector, dataSource) { Current = initial });

    public override InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        if (eventData.Context is { } context && Routes.TryGetValue(context, out var route))
        {
            Use(context, route, route.Selector.SelectReadSource(route.DataSource));
        }

        return result;
    }

    public override async ValueTask<InterceptionResult> ConnectionOpeningAsync(
        DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context && Routes.TryGetValue(context, out var route))
        {
            Use(context, route, await route.Selector.SelectReadSourceAsync(route.DataSource, cancellationToken));
        }

        return result;
    }

    private static void Use(DbContext context, Route route, NpgsqlDataSource chosen)
    {
        if (ReferenceEquals(route.Current, chosen))
        {
            return;
        }

        context.Database.SetDbConnection(chosen.CreateConnection(), contextOwnsConnection: true);
        route.Current = chosen;
    }

    private sealed class Route(IReadDataSourceSelector selector, ReplicatedDataSource dataSource)
    {
        public IReadDataSourceSelector Selector { get; } = selector;

        public ReplicatedDataSource DataSource { get; } = dataSource;

        public NpgsqlDataSource? Current { get; set; }
    }
}
