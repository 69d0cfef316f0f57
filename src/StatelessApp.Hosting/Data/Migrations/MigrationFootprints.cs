using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;

namespace StatelessApp.Hosting.Data.Migrations;

/// <summary>What a context's model and its compiled migrations say about the schema, without touching a database.</summary>
public static class MigrationFootprints
{
    /// <summary>The tables and columns <paramref name="context"/>'s model maps: this release's footprint.</summary>
    public static SchemaFootprint OfModel(DbContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return SchemaFootprint.From(context.GetService<IDesignTimeModel>().Model.GetRelationalModel());
    }

    /// <summary>
    /// The footprint of the model migration <paramref name="id"/> was generated from (its designer's target model), or
    /// null for a hand-written migration without one: the model of the release whose last migration it was.
    /// </summary>
    public static SchemaFootprint? OfMigration(DbContext context, string id)
    {
        ArgumentNullException.ThrowIfNull(context);
        var migrations = context.GetService<IMigrationsAssembly>();
        if (!migrations.Migrations.TryGetValue(id, out var type)
            || migrations.CreateMigration(type, context.Database.ProviderName!).TargetModel is not { } target)
        {
            return null;
        }

        var model = context.GetService<IModelRuntimeInitializer>().Initialize(
            target is IMutableModel mutable ? mutable.FinalizeModel() : target, designTime: true, validationLogger: null);
        return SchemaFootprint.From(model.GetRelationalModel());
    }

    /// <summary>The operations migration <paramref name="id"/> applies going up.</summary>
    public static IReadOnlyList<MigrationOperation> UpOperations(DbContext context, string id)
    {
        ArgumentNullException.ThrowIfNull(context);
        var migrations = context.GetService<IMigrationsAssembly>();
        return migrations.CreateMigration(migrations.Migrations[id], context.Database.ProviderName!).UpOperations;
    }
}
