using Microsoft.EntityFrameworkCore;

namespace StatelessApp.Web.Data;

/// <summary>
/// Your database, empty so far: add entities as DbSet properties, then a migration
/// (<c>dotnet ef migrations add Initial --project src/StatelessApp.Web</c>). Injected as <c>AppDbContext</c> it
/// talks to the primary (writes, transactions); as <c>ReadOnlyDbContext&lt;AppDbContext&gt;</c> to a standby when
/// one is reachable.
/// </summary>
public sealed class AppDbContext(DbContextOptions<AppDbContext> options) : DbContext(options);
