using System.Net;
using DnsClient;

namespace StatelessApp.Hosting.Clients;

/// <summary>
/// Resolves a host name to its IPv4 addresses through the configured DNS server (or the system resolver), keeping the
/// last good answer: when the DNS server itself is down, connections go on to the addresses it gave last.
/// </summary>
internal sealed class AddressResolver
{
    private readonly LookupClient? _dns;
    private readonly Dictionary<string, IPAddress[]> _lastAnswers = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();

    public AddressResolver(IPEndPoint? dnsServer)
    {
        if (dnsServer is not null)
        {
            _dns = new LookupClient(new LookupClientOptions(new NameServer(dnsServer))
            {
                // The records' own TTL (1 s in the stack) decides how long an answer is reused.
                UseCache = true,
                Retries = 1,
                Timeout = TimeSpan.FromMilliseconds(500),
                ThrowDnsErrors = false,
                ContinueOnDnsError = false,
            });
        }
    }

    public async Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var literal))
        {
            return [literal];
        }

        IPAddress[] answer;
        try
        {
            answer = _dns is null
                ? [.. (await Dns.GetHostAddressesAsync(host, cancellationToken)).Where(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)]
                : [.. (await _dns.QueryAsync(host, QueryType.A, QueryClass.IN, cancellationToken)).Answers.ARecords().Select(r => r.Address)];
        }
        catch (Exception e) when (e is DnsResponseException or System.Net.Sockets.SocketException)
        {
            answer = [];
        }

        lock (_lock)
        {
            if (answer.Length > 0)
            {
                _lastAnswers[host] = answer;
                return answer;
            }

            return _lastAnswers.TryGetValue(host, out var stale)
                ? stale
                : throw new HttpRequestException(HttpRequestError.NameResolutionError, $"No address for {host} (DNS server {(_dns is null ? "system" : _dns.NameServers.First().ToString())}).");
        }
    }
}
