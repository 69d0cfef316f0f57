using Microsoft.Extensions.Logging;

namespace StatelessApp.Hosting.KeyRing;

internal static partial class KeyRingLog
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning,
        Message = "Key ring element {ElementId} ignored: {Refusal} (only elements signed by KeyRing:Certificate are read)")]
    public static partial void ElementRefused(ILogger logger, string elementId, string refusal);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Error,
        Message = "Key ring '{Ring}' holds no unexpired key and this instance does not create the first one: run 'migrate'")]
    public static partial void FirstKeyRefused(ILogger logger, string ring);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information,
        Message = "Key ring '{Ring}': first key {KeyId} created, expires {Expiration:O}")]
    public static partial void FirstKeyCreated(ILogger logger, Guid keyId, string ring, DateTimeOffset expiration);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Information,
        Message = "Key ring '{Ring}' already holds a usable key; none created")]
    public static partial void FirstKeyPresent(ILogger logger, string ring);
}
