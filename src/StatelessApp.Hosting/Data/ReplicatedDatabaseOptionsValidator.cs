using Microsoft.Extensions.Options;
using Npgsql;

namespace StatelessApp.Hosting.Data;

/// <summary>
/// Fails start-up with messages that name the setting to fix. The options name is the connection name ("Shop"), so the
/// connection string is reported as <c>ConnectionStrings:Shop</c>. Never echoes the connection string: it holds a password.
/// </summary>
internal sealed class ReplicatedDatabaseOptionsValidator : IValidateOptions<ReplicatedDatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, ReplicatedDatabaseOptions options)
    {
        var setting = $"ConnectionStrings:{name}";
        var section = ReplicatedDatabaseOptions.SectionName;
        var failures = new List<string>();

        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add($"{setting} is missing (expected \"Host=h1:5432,h2:5432;Database=...;Username=...;Password=...\")");
        }
        else if (ValidateConnectionString(setting, options.ConnectionString, failures) is { } parsed && options.NodeRegions is not null)
        {
            if (string.IsNullOrWhiteSpace(options.NodeRegions))
            {
                failures.Add($"{section}:NodeRegions is empty: remove it (reads then ignore regions) or give every host's region (\"pg-a:5432=a,pg-b:5432=b\")");
            }
            else if (!string.IsNullOrWhiteSpace(parsed.Host))
            {
                NodeRegions.Resolve(options.NodeRegions, parsed.Host.Split(',', StringSplitOptions.TrimEntries), parsed.Port,
                    $"{section}:NodeRegions", failures);
            }
        }

        if (options.PasswordFile is not null)
        {
            ValidatePasswordFile(setting, options, failures);
        }

        if (options.OwnerConnectionString is not null)
        {
            var ownerSetting = setting + ReplicatedDatabaseOptions.OwnerSuffix;
            if (string.IsNullOrWhiteSpace(options.OwnerConnectionString))
            {
                failures.Add($"{ownerSetting} is empty: remove it (migrate then uses {setting}) or give the schema owner's connection string");
            }
            else
            {
                ValidateConnectionString(ownerSetting, options.OwnerConnectionString, failures);
            }
        }

        if (options.HostRecheckSeconds is < 1 or > 300)
        {
            failures.Add($"{section}:HostRecheckSeconds must be between 1 and 300 (was {options.HostRecheckSeconds})");
        }

        if (options.ConnectTimeoutSeconds is < 1 or > 120)
        {
            failures.Add($"{section}:ConnectTimeoutSeconds must be between 1 and 120 (was {options.ConnectTimeoutSeconds})");
        }

        if (options.CommandTimeoutSeconds is < 1 or > 3600)
        {
            failures.Add($"{section}:CommandTimeoutSeconds must be between 1 and 3600 (was {options.CommandTimeoutSeconds})");
        }

        if (options.MaxRetryCount is < 0 or > 10)
        {
            failures.Add($"{section}:MaxRetryCount must be between 0 and 10 (was {options.MaxRetryCount})");
        }

        if (options.MaxRetryDelay < TimeSpan.Zero || options.MaxRetryDelay > TimeSpan.FromSeconds(30))
        {
            failures.Add($"{section}:MaxRetryDelay must be between 00:00:00 and 00:00:30 (was {options.MaxRetryDelay})");
        }

        if (options.HealthCheckTimeout <= TimeSpan.Zero || options.HealthCheckTimeout > TimeSpan.FromSeconds(30))
        {
            failures.Add($"{section}:HealthCheckTimeout must be positive and at most 00:00:30 (was {options.HealthCheckTimeout})");
        }

        if (options.StandbyConfirmationTimeout < TimeSpan.Zero || options.StandbyConfirmationTimeout > TimeSpan.FromSeconds(30))
        {
            failures.Add($"{section}:StandbyConfirmationTimeout must be between 00:00:00 (off) and 00:00:30 (was {options.StandbyConfirmationTimeout})");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidatePasswordFile(string setting, ReplicatedDatabaseOptions options, List<string> failures)
    {
        var passwordFile = $"{ReplicatedDatabaseOptions.SectionName}:PasswordFile";
        if (string.IsNullOrWhiteSpace(options.PasswordFile))
        {
            failures.Add($"{passwordFile} is empty: remove it (the password is then in {setting}) or name the file that holds it");
            return;
        }

        if (DatabasePasswordFile.Unreadable(options.PasswordFile) is { } reason)
        {
            failures.Add($"{passwordFile} '{options.PasswordFile}' cannot be read: {reason}");
        }
    }

    /// <returns>The parsed connection string, or null when it cannot be parsed.</returns>
    private static NpgsqlConnectionStringBuilder? ValidateConnectionString(string setting, string connectionString, List<string> failures)
    {
        NpgsqlConnectionStringBuilder parsed;
        try
        {
            parsed = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
        {
            // The parser's message names the offending keyword, not its value.
            failures.Add($"{setting} cannot be parsed: {e.Message}");
            return null;
        }

        if (string.IsNullOrWhiteSpace(parsed.Host))
        {
            failures.Add($"{setting} has no Host (expected \"Host=h1:5432,h2:5432;...\")");
        }
        else if (parsed.Host.Split(',').Any(string.IsNullOrWhiteSpace))
        {
            failures.Add($"{setting} has an empty entry in its Host list");
        }

        if (string.IsNullOrWhiteSpace(parsed.Database))
        {
            failures.Add($"{setting} has no Database");
        }

        // One multi-host data source serves both the primary and the standby wrappers; a session attribute in the
        // string would make Npgsql refuse to build it, and EF-built data sources fail on it (npgsql/efcore.pg#3495).
        if (!string.IsNullOrEmpty(parsed.TargetSessionAttributes))
        {
            failures.Add($"{setting} must not set Target Session Attributes: the app chooses the primary or a standby per use");
        }

        if (parsed.Multiplexing)
        {
            failures.Add($"{setting} must not enable Multiplexing: Npgsql does not support it with multiple hosts");
        }

        return parsed;
    }
}
