namespace StatelessApp.TestKit.Timelines;

/// <summary>A moment drawn as a vertical line across the whole timeline, labelled at the top.</summary>
public sealed record TimelineMark(TimeSpan At, string Label, TimelineMarkKind Kind);

/// <summary>What a mark stands for; the renderer gives each kind its own colour.</summary>
public enum TimelineMarkKind
{
    /// <summary>The fault was injected.</summary>
    Fault,

    /// <summary>A server became primary (writable) again: a Sentinel or Patroni promotion.</summary>
    Promotion,

    /// <summary>The fault was undone (node restarted, network healed).</summary>
    Heal,

    /// <summary>The clients were served without failures again.</summary>
    Recovery,
}
