namespace StatelessApp.Hosting.Data;

/// <summary>What one standby, asked directly, says about a commit.</summary>
public enum WalReceiverVerdict
{
    /// <summary>It has flushed the commit to its own disk.</summary>
    Flushed,

    /// <summary>It streams the commit's timeline but has not flushed that far yet.</summary>
    NotYet,

    /// <summary>It is no standby of the commit's timeline right now: ask the primary instead.</summary>
    CannotTell,
}
