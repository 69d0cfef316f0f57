namespace StatelessApp.Hosting.RateLimiting;

/// <summary>
/// One counter as the instance's <see cref="WindowTally"/> sees it: its Redis key (which names its window), its limit,
/// how many hits the instance may grant from its tally without asking Redis (<see cref="LocalLimit"/>, at most
/// <see cref="PermitLimit"/>), and when its window ends (the entry is dropped then).
/// </summary>
internal readonly record struct TalliedCounter(string Key, int PermitLimit, int LocalLimit, DateTimeOffset End);
