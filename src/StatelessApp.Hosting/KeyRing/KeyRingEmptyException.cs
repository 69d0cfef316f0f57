namespace StatelessApp.Hosting.KeyRing;

/// <summary>An instance needed a key, and the ring has none that has not expired: only <c>migrate</c> creates the first key.</summary>
public sealed class KeyRingEmptyException(string ringName)
    : InvalidOperationException(
        $"The DataProtection key ring (Redis key '{ringName}', KeyRing:RedisKey) holds no unexpired key, and instances do not create the first one: run the app's 'migrate' verb, which creates it.");
