namespace StatelessApp.Bench;

/// <summary>
/// What one server did per request in a distance cell: Redis commands on the primary or PostgreSQL statements on a node,
/// counted (not timed), with the server's region; remote when that is not the region the request was served in.
/// </summary>
public sealed record ServerCount(string Server, string Region, string What, double PerRequest, bool Remote);
