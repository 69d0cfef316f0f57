using NpgsqlTypes;

namespace StatelessApp.Hosting.Consistency;

/// <summary>A usable standby as the read rule sees it: its region (null: not configured) and replay position.</summary>
internal readonly record struct ReadCandidate(string? Region, NpgsqlLogSequenceNumber Position);
