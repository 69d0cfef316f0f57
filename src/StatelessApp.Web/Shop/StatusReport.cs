namespace StatelessApp.Web.Shop;

/// <summary>Which instance answered and which servers it used: the shop's window onto the topology.</summary>
public sealed record StatusReport(
    string Region,
    string Instance,
    string? RedisEndpoint,
    DatabaseNodeStatus Writes,
    DatabaseNodeStatus Reads);

/// <summary>The PostgreSQL node a connection landed on; <see cref="Error"/> is set when it could not be reached.</summary>
public sealed record DatabaseNodeStatus(string? Address, int? Port, bool? InRecovery, string? Error)
{
    public string Role => InRecovery switch
    {
        true => "standby",
        false => "primary",
        null => "unreachable",
    };
}
