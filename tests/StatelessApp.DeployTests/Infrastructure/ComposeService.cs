namespace StatelessApp.DeployTests.Infrastructure;

/// <summary>One service of a resolved compose file (what `docker-compose config` printed), reduced to what the tests check.</summary>
public sealed record ComposeService(
    string Name,
    string? Image,
    string? BuildContext,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<string> Volumes,
    IReadOnlyDictionary<string, string?> Networks,
    IReadOnlyList<string> Ports,
    IReadOnlyDictionary<string, string> DependsOn,
    IReadOnlyList<string> Command,
    IReadOnlyList<string> HealthCheck,
    string? Restart,
    ContainerLimits Limits,
    IReadOnlyDictionary<string, string> BuildArgs)
{
    /// <summary>The stack node kind this service runs ("etcd", "app", ...), or "job" for a one-shot task.</summary>
    public string Kind => Labels.GetValueOrDefault("stateless.kind", "");

    public string Region => Labels.GetValueOrDefault("stateless.region", "");

    public bool IsJob => Kind == "job";

    /// <summary>The fixed address on its home network (the one with an ipv4_address).</summary>
    public (string Network, string Address)? HomeAddress =>
        Networks.Where(n => n.Value is not null).Select(n => (n.Key, n.Value!)).Cast<(string, string)?>().SingleOrDefault();

    /// <summary>Bind mounts: (host path, container path).</summary>
    public IEnumerable<(string Source, string Target)> BindMounts =>
        Volumes.Select(v => v.Split(':')).Where(parts => parts[0].StartsWith('/')).Select(parts => (parts[0], parts[1]));
}

/// <summary>What a service's container may do: root file system, capabilities, privileges, user, resources.</summary>
public sealed record ContainerLimits(
    bool ReadOnly,
    IReadOnlyList<string> CapDrop,
    IReadOnlyList<string> CapAdd,
    IReadOnlyList<string> SecurityOpt,
    string? User,
    string? MemLimit,
    string? PidsLimit,
    IReadOnlyList<string> Entrypoint);
