namespace StatelessApp.Hosting.Consistency;

/// <summary>
/// What <see cref="RegionalReadRule"/> decided: read from the standby at <see cref="Standby"/> (an index into the
/// candidates), wait for it to reach the token first (<see cref="Wait"/>), or read from the primary (Standby is -1).
/// <see cref="Destination"/> is what the reads metric records (for a wait: what it records if the wait succeeds).
/// </summary>
internal readonly record struct ReadDecision(ReadDestination Destination, int Standby = -1, bool Wait = false)
{
    public bool IsPrimary => Standby < 0;
}
