namespace StatelessApp.Stack.Topology;

/// <summary>What a node runs. The order is the start order: every kind depends only on kinds before it.</summary>
public enum NodeKind
{
    Etcd,
    Postgres,
    Redis,
    Sentinel,
    App,
    Proxy,
    Dns,
}
