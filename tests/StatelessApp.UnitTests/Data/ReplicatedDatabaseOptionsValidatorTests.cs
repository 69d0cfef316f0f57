using StatelessApp.Hosting.Data;

namespace StatelessApp.UnitTests.Data;

public sealed class ReplicatedDatabaseOptionsValidatorTests : IDisposable
{
    private const string Valid = "Host=127.1.0.41:5432,127.2.0.41:5432;Database=shop;Username=shop;Password=secret";
    private const string WithoutPassword = "Host=127.1.0.41:5432,127.2.0.41:5432;Database=shop;Username=shop";
    private readonly string _passwordFile = Path.GetTempFileName(); // created empty

    [Fact]
    public void A_multi_host_connection_string_with_defaults_is_valid()
    {
        var result = Validate(new ReplicatedDatabaseOptions { ConnectionString = Valid });
        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_missing_connection_string_names_the_setting(string? connectionString)
    {
        var failure = Assert.Single(Failures(new ReplicatedDatabaseOptions { ConnectionString = connectionString }));
        Assert.StartsWith("ConnectionStrings:Shop is missing", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unparseable_connection_string_names_the_setting_and_never_echoes_the_password()
    {
        var failure = Assert.Single(Failures(new ReplicatedDatabaseOptions
        {
            ConnectionString = "Host=a,b;Database=shop;Password=hunter2;Bogus Key=1",
        }));
        Assert.StartsWith("ConnectionStrings:Shop cannot be parsed", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Database=shop;Username=shop", "ConnectionStrings:Shop has no Host")]
    [InlineData("Host=a,,b;Database=shop", "ConnectionStrings:Shop has an empty entry in its Host list")]
    [InlineData("Host=a,b;Username=shop", "ConnectionStrings:Shop has no Database")]
    [InlineData("Host=a,b;Database=shop;Target Session Attributes=primary", "ConnectionStrings:Shop must not set Target Session Attributes")]
    [InlineData("Host=a,b;Database=shop;Multiplexing=true", "ConnectionStrings:Shop must not enable Multiplexing")]
    public void Connection_strings_the_data_source_cannot_serve_are_refused(string connectionString, string expected)
    {
        var failure = Assert.Single(Failures(new ReplicatedDatabaseOptions { ConnectionString = connectionString }));
        Assert.StartsWith(expected, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void A_password_file_that_can_be_read_replaces_the_connection_strings_password()
    {
        File.WriteAllText(_passwordFile, "secret\n");
        var result = Validate(new ReplicatedDatabaseOptions { ConnectionString = WithoutPassword, PasswordFile = _passwordFile });
        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void A_password_file_may_stand_beside_the_password_older_releases_read_from_the_connection_string()
    {
        File.WriteAllText(_passwordFile, "from-the-file");
        var result = Validate(new ReplicatedDatabaseOptions { ConnectionString = Valid, PasswordFile = _passwordFile });
        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("", "Database:PasswordFile is empty")]
    [InlineData("/nonexistent/statelessapp/shop-db-password", "Database:PasswordFile '/nonexistent/statelessapp/shop-db-password' cannot be read")]
    public void A_password_file_that_cannot_serve_names_the_setting(string passwordFile, string expected)
    {
        var failure = Assert.Single(Failures(new ReplicatedDatabaseOptions { ConnectionString = WithoutPassword, PasswordFile = passwordFile }));
        Assert.StartsWith(expected, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_password_file_is_refused()
    {
        var failure = Assert.Single(Failures(new ReplicatedDatabaseOptions { ConnectionString = WithoutPassword, PasswordFile = _passwordFile }));
        Assert.Equal($"Database:PasswordFile '{_passwordFile}' cannot be read: it is empty", failure);
    }

    public void Dispose() => File.Delete(_passwordFile);

    [Theory]
    [InlineData("", "ConnectionStrings:ShopOwner is empty")]
    [InlineData("Host=a,b;Username=shop_owner", "ConnectionStrings:ShopOwner has no Database")]
    [InlineData("Host=a,b;Database=shop;Target Session Attributes=primary", "ConnectionStrings:ShopOwner must not set Target Session Attributes")]
    public void A_faulty_owner_connection_string_names_its_setting(string ownerConnectionString, string expected)
    {
        var failure = Assert.Single(Failures(new ReplicatedDatabaseOptions { ConnectionString = Valid, OwnerConnectionString = ownerConnectionString }));
        Assert.StartsWith(expected, failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(nameof(ReplicatedDatabaseOptions.HostRecheckSeconds), 0, "Database:HostRecheckSeconds must be between 1 and 300")]
    [InlineData(nameof(ReplicatedDatabaseOptions.HostRecheckSeconds), 301, "Database:HostRecheckSeconds must be between 1 and 300")]
    [InlineData(nameof(ReplicatedDatabaseOptions.ConnectTimeoutSeconds), 0, "Database:ConnectTimeoutSeconds must be between 1 and 120")]
    [InlineData(nameof(ReplicatedDatabaseOptions.CommandTimeoutSeconds), 0, "Database:CommandTimeoutSeconds must be between 1 and 3600")]
    [InlineData(nameof(ReplicatedDatabaseOptions.MaxRetryCount), -1, "Database:MaxRetryCount must be between 0 and 10")]
    [InlineData(nameof(ReplicatedDatabaseOptions.MaxRetryCount), 11, "Database:MaxRetryCount must be between 0 and 10")]
    public void Numbers_out_of_range_name_their_setting(string property, int value, string expected)
    {
        var options = new ReplicatedDatabaseOptions { ConnectionString = Valid };
        typeof(ReplicatedDatabaseOptions).GetProperty(property)!.SetValue(options, value);
        var failure = Assert.Single(Failures(options));
        Assert.StartsWith(expected, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Durations_out_of_range_name_their_setting()
    {
        var failures = Failures(new ReplicatedDatabaseOptions
        {
            ConnectionString = Valid,
            MaxRetryDelay = TimeSpan.FromSeconds(-1),
            HealthCheckTimeout = TimeSpan.Zero,
            StandbyConfirmationTimeout = TimeSpan.FromSeconds(31),
        });
        Assert.Collection(failures,
            f => Assert.StartsWith("Database:MaxRetryDelay must be between", f, StringComparison.Ordinal),
            f => Assert.StartsWith("Database:HealthCheckTimeout must be positive", f, StringComparison.Ordinal),
            f => Assert.StartsWith("Database:StandbyConfirmationTimeout must be between 00:00:00 (off) and 00:00:30", f, StringComparison.Ordinal));
    }

    [Fact]
    public void A_zero_standby_confirmation_timeout_is_valid_and_means_off()
    {
        var result = Validate(new ReplicatedDatabaseOptions { ConnectionString = Valid, StandbyConfirmationTimeout = TimeSpan.Zero });
        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("127.1.0.41:5432=a,127.2.0.41:5432=b")]
    [InlineData(" 127.2.0.41=b , 127.1.0.41:5432=a ")] // any order; no port means the connection string's (5432)
    public void Node_regions_that_name_every_host_once_are_valid(string nodeRegions)
    {
        var result = Validate(new ReplicatedDatabaseOptions { ConnectionString = Valid, NodeRegions = nodeRegions });
        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("", "Database:NodeRegions is empty")]
    [InlineData("127.1.0.41:5432=a", "Database:NodeRegions gives no region for host 127.2.0.41:5432")]
    [InlineData("127.1.0.41:5432=a,127.2.0.41:5432=b,127.3.0.41:5432=w", "Database:NodeRegions names 127.3.0.41:5432, which is not a host")]
    [InlineData("127.1.0.41:5432=a,127.2.0.41:5432", "Database:NodeRegions: \"127.2.0.41:5432\" is not host[:port]=region")]
    [InlineData("127.1.0.41:5432=a,127.2.0.41:5432=b c", "Database:NodeRegions: \"127.2.0.41:5432=b c\" is not host[:port]=region")]
    [InlineData("127.1.0.41:5432=a,127.2.0.41:99999=b", "Database:NodeRegions: \"127.2.0.41:99999=b\" is not host[:port]=region")]
    public void Faulty_node_regions_name_the_setting(string nodeRegions, string expected)
    {
        var failures = Failures(new ReplicatedDatabaseOptions { ConnectionString = Valid, NodeRegions = nodeRegions }).ToList();
        Assert.Contains(failures, failure => failure.StartsWith(expected, StringComparison.Ordinal));
        Assert.DoesNotContain(failures, failure => failure.Contains("secret", StringComparison.Ordinal));
    }

    [Fact]
    public void A_host_named_twice_in_node_regions_is_refused()
    {
        var failure = Assert.Single(Failures(new ReplicatedDatabaseOptions
        {
            ConnectionString = Valid,
            NodeRegions = "127.1.0.41:5432=a,127.2.0.41:5432=b,127.1.0.41=b",
        }));
        Assert.Equal("Database:NodeRegions names 127.1.0.41:5432 twice", failure);
    }

    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(ReplicatedDatabaseOptions options) =>
        new ReplicatedDatabaseOptionsValidator().Validate("Shop", options);

    private static IEnumerable<string> Failures(ReplicatedDatabaseOptions options) =>
        Validate(options).Failures ?? [];
}
