using System.Reflection;
using Microsoft.Extensions.Logging;
using StatelessApp.Hosting;

namespace StatelessApp.UnitTests.Architecture;

/// <summary>
/// Every source-generated log message of the building blocks and the shop names its event id, and no two share one:
/// alerts and log queries select by id, so an id is a stable name. Ranges: Redis 1xxx, Sessions 2xxx, Data 3xxx,
/// Consistency 4xxx, Proxy 5xxx, KeyRing 6xxx, shop 9xxx.
/// </summary>
public sealed class LogEventIdTests
{
    private static readonly IReadOnlyList<(string Method, LoggerMessageAttribute Attribute)> Messages =
        // The app's assembly by name: its types differ between the shop and the template's empty app.
        new[] { typeof(HostingMarker).Assembly, Assembly.Load(new AssemblyName("StatelessApp.Web")) }
            .SelectMany(assembly => assembly.GetTypes())
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(method => (Method: $"{method.DeclaringType!.FullName}.{method.Name}", Attribute: method.GetCustomAttribute<LoggerMessageAttribute>()!))
            .Where(message => message.Attribute is not null)
            .ToList();

    [Fact]
    public void Every_log_message_names_its_event_id()
    {
        Assert.NotEmpty(Messages);
        Assert.Empty(Messages.Where(message => message.Attribute.EventId <= 0).Select(message => message.Method));
    }

    [Fact]
    public void No_two_log_messages_share_an_event_id()
    {
        var shared = Messages.GroupBy(message => message.Attribute.EventId)
            .Where(group => group.Count() > 1)
            .Select(group => $"{group.Key}: {string.Join(", ", group.Select(message => message.Method))}");
        Assert.Empty(shared);
    }
}
