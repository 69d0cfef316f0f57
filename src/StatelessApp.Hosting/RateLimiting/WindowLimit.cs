namespace StatelessApp.Hosting.RateLimiting;

/// <summary>One limit to count a hit against: its setting's name, its policy and whom it counts (a client, a user, an account).</summary>
internal readonly record struct WindowLimit(string Name, RateLimitPolicy Policy, string Partition);
