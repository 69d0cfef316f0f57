using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using StackExchange.Redis;
using StatelessApp.Hosting.Redis;

namespace StatelessApp.Hosting.KeyRing;

/// <summary>
/// The Redis key ring, with new keys confirmed by replicas (WAIT) before DataProtection uses them. Without it, a key
/// created just before the Redis primary dies can vanish in the failover while cookies protected with it are already
/// out: every instance then creates another key, and those cookies no longer decrypt anywhere.
/// </summary>
/// <remarks>
/// Reads go through the shared connection; writes (a new key every 90 days, or at first start) through the
/// replicated-writes connection, because WAIT must run on the connection that wrote. A key no replica confirmed makes
/// <see cref="StoreElement"/> throw <see cref="ReplicaAcknowledgementException"/>: DataProtection then fails the
/// operation that needed the key (a 503 for the session cookie) instead of handing out cookies it may forget.
/// </remarks>
internal sealed class ReplicatedXmlRepository(
    Func<IDatabase> readDatabase,
    Func<IDatabase> writeDatabase,
    RedisKey key,
    int requiredReplicas,
    TimeSpan replicaAckTimeout,
    RedisMetrics? metrics) : IXmlRepository
{
    private readonly RedisXmlRepository _reads = new(readDatabase, key);

    public IReadOnlyCollection<XElement> GetAllElements() => _reads.GetAllElements();

    public void StoreElement(XElement element, string friendlyName)
    {
        var database = writeDatabase();
        new RedisXmlRepository(() => database, key).StoreElement(element, friendlyName);
        ReplicaAcknowledgement.Ensure(database, requiredReplicas, replicaAckTimeout, $"DataProtection key {friendlyName}", metrics);
    }
}
