namespace StatelessApp.Stack.Startup;

/// <summary>What `up` waits for once a <see cref="StartStep"/> has started its nodes, before the next step begins.</summary>
public enum Readiness
{
    /// <summary>Every watched node's probe says healthy.</summary>
    Healthy,

    /// <summary>Every etcd member healthy, then authentication enabled and the leadership moved to the witness member.</summary>
    EtcdAuthenticatedAndLedByTheWitness,

    /// <summary>One of the watched nodes reports itself primary (the first PostgreSQL node has bootstrapped or resumed).</summary>
    APrimary,

    /// <summary>Every watched node healthy, exactly one primary, and every other node linked to it as its replica.</summary>
    OnePrimaryWithEveryReplicaLinked,

    /// <summary>Every Sentinel knows every other Sentinel and every replica (one not knowing the witness replica would not
    /// reconfigure it after a failover).</summary>
    SentinelsKnowEachOtherAndEveryReplica,

    /// <summary>Every proxy answers /health/ready with a success: it reaches a ready app.</summary>
    ProxiesRouteToAReadyApp,

    /// <summary>The DNS server answers the domain with every proxy's address.</summary>
    DnsAnswersEveryProxy,

    /// <summary>The app build started with `up` has finished (running instances of an older build are then stopped).</summary>
    AppPublished,

    /// <summary>The app's migrations ran once, against the primary.</summary>
    MigrationsApplied,

    /// <summary>pgBackRest's stanza exists and the repository holds a backup (a first full one on a new cluster).</summary>
    BackupRepositoryReady,
}
