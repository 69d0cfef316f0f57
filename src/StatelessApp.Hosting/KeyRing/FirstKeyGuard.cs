using System.Globalization;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Logging;

namespace StatelessApp.Hosting.KeyRing;

/// <summary>
/// Refuses to store a key while the ring holds no unexpired key, unless <see cref="FirstKeyPermission"/> was granted
/// (the <c>migrate</c> verb does). Instances starting together on an empty ring would each mint a key active at once,
/// and a cookie protected with one would fail on the others ("key not found") until they re-read the ring. Keys
/// created at rotation are unaffected: the ring still holds the expiring key then, and the new one activates later.
/// </summary>
internal sealed class FirstKeyGuard(IXmlRepository inner, FirstKeyPermission permission, TimeProvider clock, string ringName, ILogger logger)
    : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements() => inner.GetAllElements();

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        if (element.Name == "key" && !permission.Granted && !HoldsUnexpiredKey(inner.GetAllElements()))
        {
            KeyRingLog.FirstKeyRefused(logger, ringName);
            throw new KeyRingEmptyException(ringName);
        }

        inner.StoreElement(element, friendlyName);
    }

    private bool HoldsUnexpiredKey(IEnumerable<XElement> elements)
    {
        var now = clock.GetUtcNow();
        return elements.Any(element => element.Name == "key"
            && DateTimeOffset.TryParse((string?)element.Element("expirationDate"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var expiration)
            && expiration > now);
    }
}
