using System.Text;

namespace StatelessApp.TestKit.Shop;

/// <summary>
/// A malformed or oversized request, the same for every link that is tested with it (the app in-process, each proxy kind):
/// <see cref="AppStatus"/> is what the app itself must answer; a proxy in front may refuse it earlier with another 4xx.
/// </summary>
public sealed record HostileRequest(string Attempt, int AppStatus, Func<string, byte[]> Build)
{
    /// <summary>
    /// A proxy may drop the malformed part and pass the rest on (nginx ignores a header line it cannot parse,
    /// ignore_invalid_headers): then the app answers the clean request, which is no failure either.
    /// </summary>
    public bool ProxyMayDrop { get; init; }

    /// <summary>Kestrel's default limits, which the app keeps (RequestHardeningExtensions).</summary>
    private const int RequestLineLimit = 8 * 1024;
    private const int HeadersTotalLimit = 32 * 1024;
    private const int HeaderCountLimit = 100;

    public override string ToString() => Attempt;

    /// <summary>Every hostile request, built for a given Host header value.</summary>
    public static IReadOnlyList<HostileRequest> All { get; } =
    [
        new($"request line over {RequestLineLimit / 1024} KB", 414,
            host => Get(host, "/?q=" + new string('q', RequestLineLimit + 1024))),
        new($"one header of {HeadersTotalLimit / 1024 + 8} KB", 431,
            host => Get(host, "/", $"X-Padding: {new string('p', HeadersTotalLimit + 8 * 1024)}\r\n")),
        new($"{HeaderCountLimit + 50} headers", 431,
            host => Get(host, "/", string.Concat(Enumerable.Range(0, HeaderCountLimit + 50).Select(i => $"X-H{i}: v\r\n")))),
        new($"a cookie of {HeadersTotalLimit / 1024 + 8} KB", 431,
            host => Get(host, "/api/cart", $"Cookie: big={new string('c', HeadersTotalLimit + 8 * 1024)}\r\n")),
        new("a header line without a colon", 400,
            host => Get(host, "/", "NoColonHere\r\n")) { ProxyMayDrop = true },
        new("a NUL byte in a header value", 400,
            host => Get(host, "/", "X-Bad: a\0b\r\n")),
        new("Host of another site (evil.example)", 400,
            _ => Get("evil.example", "/")),
        new("Host with a space and a slash", 400,
            _ => Get("bad host/x", "/")),
        new("HTTP/1.1 without Host", 400,
            _ => Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nConnection: close\r\n\r\n")),
        new("two different Host headers", 400,
            host => Get(host, "/", "Host: evil.example\r\n")),
        new("POST /api/cart/items as text/plain (a cross-site form's type)", 415,
            host => Post(host, "/api/cart/items", "text/plain", """{"productId":1,"quantity":1}"""u8.ToArray())),
        new("POST /api/cart/items with a JSON body nested 5000 deep", 400,
            host => Post(host, "/api/cart/items", "application/json", Encoding.ASCII.GetBytes("{\"productId\":" + new string('[', 5000) + new string(']', 5000) + "}"))),
        new("POST /api/cart/items with invalid UTF-8 bytes in the JSON", 400,
            host => Post(host, "/api/cart/items", "application/json", [.. "{\"productId\":"u8.ToArray(), 0xC3, 0x28, 0xFF, .. ",\"quantity\":1}"u8.ToArray()])),
        new("POST /api/cart/items with a Content-Length that is not a number", 400,
            host => [.. Encoding.ASCII.GetBytes($"POST /api/cart/items HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: 2x\r\nConnection: close\r\n\r\n"), .. "{}"u8.ToArray()]),
        new("POST /api/cart/items with both Content-Length and chunked (request smuggling)", 400,
            host => Encoding.ASCII.GetBytes($"POST /api/cart/items HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{{}}\r\n0\r\n\r\n")),
        new("POST /api/cart/items with a malformed chunk size", 400,
            host => Encoding.ASCII.GetBytes($"POST /api/cart/items HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{{}}\r\n0\r\n\r\n")),
        new("POST /api/cart/items chunked, 200 KB with no length (limit 64 KB)", 413,
            host => Chunked(host, "/api/cart/items", "{\"productId\":1,\"quantity\":1,\"padding\":\"" + new string('x', 200 * 1024) + "\"}")),
        new("POST /api/checkout with a declared body of 10 MB", 413,
            host => Encoding.ASCII.GetBytes($"POST /api/checkout HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: 10485760\r\nConnection: close\r\n\r\n{{}}")),
    ];

    private static byte[] Get(string host, string target, string extraHeaders = "") =>
        Encoding.Latin1.GetBytes($"GET {target} HTTP/1.1\r\nHost: {host}\r\n{extraHeaders}Connection: close\r\n\r\n");

    private static byte[] Post(string host, string target, string contentType, byte[] body) =>
        [.. Encoding.ASCII.GetBytes($"POST {target} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"), .. body];

    private static byte[] Chunked(string host, string target, string body)
    {
        var builder = new StringBuilder($"POST {target} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
        for (var offset = 0; offset < body.Length; offset += 8192)
        {
            var chunk = body.Substring(offset, Math.Min(8192, body.Length - offset));
            builder.Append($"{chunk.Length:x}\r\n{chunk}\r\n");
        }

        return Encoding.ASCII.GetBytes(builder.Append("0\r\n\r\n").ToString());
    }
}
