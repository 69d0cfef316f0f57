namespace StatelessApp.Stack.Servers;

/// <summary>
/// The role a node holds in its replicated service right now, as its probe found it. Redis nodes are
/// <see cref="Primary"/> or <see cref="Replica"/>, PostgreSQL nodes <see cref="Primary"/> or <see cref="Standby"/>, etcd
/// members <see cref="Leader"/> or <see cref="Follower"/>; every other kind has <see cref="None"/>.
/// </summary>
public enum ServerRole
{
    None,
    Primary,
    Replica,
    Standby,
    Leader,
    Follower,
}
