using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StatelessApp.Hosting.Data;

namespace StatelessApp.UnitTests.Data;

/// <summary>Start-up behaviour that needs no server: bad settings stop the host before it serves anything.</summary>
public sealed class AddReplicatedDbContextStartupTests
{
    [Fact]
    public async Task Start_fails_fast_naming_the_missing_connection_string()
    {
        using var host = Build(new Dictionary<string, string?>());
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("ConnectionStrings:Shop is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_fails_fast_naming_a_bad_timing_setting()
    {
        using var host = Build(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Shop"] = "Host=127.0.0.1:1,127.0.0.1:2;Database=shop;Username=shop;Password=x",
            ["Database:HostRecheckSeconds"] = "0",
        });
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("Database:HostRecheckSeconds must be between 1 and 300", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_primary_and_the_read_context_are_distinct_scoped_services_with_their_own_options()
    {
        using var host = Build(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Shop"] = "Host=127.0.0.1:1,127.0.0.1:2;Database=shop;Username=shop;Password=x",
        });
        using var scope = host.Services.CreateScope();
        var primary = scope.ServiceProvider.GetRequiredService<ProbeContext>();
        var reader = scope.ServiceProvider.GetRequiredService<ReadOnlyDbContext<ProbeContext>>();

        Assert.NotSame(primary, reader.Context);
        Assert.Equal(QueryTrackingBehavior.TrackAll, primary.ChangeTracker.QueryTrackingBehavior);
        Assert.Equal(QueryTrackingBehavior.NoTracking, reader.Context.ChangeTracker.QueryTrackingBehavior);
        Assert.Same(primary, scope.ServiceProvider.GetRequiredService<ProbeContext>());
        Assert.Same(reader, scope.ServiceProvider.GetRequiredService<ReadOnlyDbContext<ProbeContext>>());
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddReplicatedDbContext<ProbeContext>("Shop");
        return builder.Build();
    }

    public sealed class ProbeContext(DbContextOptions<ProbeContext> options) : DbContext(options);
}
