using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace StatelessApp.Bench.Host;

/// <summary>
/// The stateful build's key ring: keys in this process's memory only, as a single-server app would keep them (a
/// folder on its own disk behaves the same for the benchmark: the ring is read once and cached either way). Cookies
/// and antiforgery tokens of one instance cannot be read by another, and a restart invalidates them all.
/// </summary>
internal sealed class InstanceLocalKeyRepository : IXmlRepository
{
    private readonly List<XElement> _elements = [];
    private readonly Lock _gate = new();

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        lock (_gate)
        {
            return [.. _elements.Select(element => new XElement(element))];
        }
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        lock (_gate)
        {
            _elements.Add(new XElement(element));
        }
    }
}
