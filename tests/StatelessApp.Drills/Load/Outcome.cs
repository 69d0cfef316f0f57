namespace StatelessApp.Drills.Load;

/// <summary>
/// Ok: acknowledged (2xx). Failed: definitely not done (a read that failed, or a write the server refused with 4xx).
/// Unknown: a write whose outcome the client cannot know (5xx, timeout, connection lost): it may have happened.
/// </summary>
public enum Outcome
{
    Ok,
    Failed,
    Unknown,
}
