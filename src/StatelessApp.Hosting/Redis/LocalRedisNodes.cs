using Microsoft.Extensions.Options;
using StatelessApp.Hosting.Data;
using StatelessApp.Hosting.Identity;

namespace StatelessApp.Hosting.Redis;

/// <summary>The Redis data nodes in the instance's own region (Redis:NodeRegions read against Instance:Region).</summary>
internal sealed class LocalRedisNodes(IOptions<RedisRegionOptions> regions, IOptions<InstanceOptions> instance)
{
    public IReadOnlyList<(string Host, int Port)> Nodes => Choose(regions.Value.NodeRegions, instance.Value.Region);

    /// <summary>
    /// The nodes of <paramref name="nodeRegions"/> whose region is <paramref name="region"/>, in the setting's order; none
    /// when either is unset. Malformed entries are skipped (the validator has already refused them at start-up).
    /// </summary>
    public static IReadOnlyList<(string Host, int Port)> Choose(string? nodeRegions, string? region)
    {
        if (string.IsNullOrWhiteSpace(nodeRegions) || string.IsNullOrEmpty(region))
        {
            return [];
        }

        return NodeRegions.Parse(nodeRegions, RedisRegionOptions.DefaultPort, "", [])
            .Where(node => string.Equals(node.Value, region, StringComparison.Ordinal))
            .Select(node => node.Key)
            .ToList();
    }
}
