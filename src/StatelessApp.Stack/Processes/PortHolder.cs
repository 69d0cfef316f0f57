namespace StatelessApp.Stack.Processes;

/// <summary>A listening socket found by `ss`: where, and which process holds it (if ss may tell).</summary>
public sealed record PortHolder(string Protocol, string LocalAddress, int Port, string? ProcessName, int? Pid)
{
    public override string ToString() =>
        ProcessName is null ? $"{Protocol} {LocalAddress}:{Port} (process unknown)" : $"{ProcessName} (pid {Pid}) on {Protocol} {LocalAddress}:{Port}";
}
