using System.Net.Http.Headers;
using System.Text;

namespace StatelessApp.Stack.Servers;

/// <summary>
/// Patroni's dynamic configuration (kept in etcd, applied by every member) changed through a member's REST API:
/// PATCH /config with Patroni's REST user, the password in the request, never on a command line.
/// </summary>
public static class PatroniDynamicConfig
{
    /// <summary>Merges <paramref name="json"/> (e.g. <c>{"synchronous_mode": true}</c>) into the cluster's dynamic configuration.</summary>
    public static async Task PatchAsync(StackContext context, Topology.Node anyMember, string json, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var request = new HttpRequestMessage(HttpMethod.Patch, PatroniServer.RestUri(anyMember, context, "config"))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = Authorization(context);
        using var response = await context.ServerHttp.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new StackException($"Patroni refused PATCH /config: {(int)response.StatusCode} {(await response.Content.ReadAsStringAsync(cancellationToken)).Trim()}");
        }
    }

    /// <summary>Basic authentication as Patroni's REST user (PATRONI_RESTAPI_USERNAME patroni).</summary>
    public static AuthenticationHeaderValue Authorization(StackContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("patroni:" + context.Secrets.PatroniRestPassword)));
    }
}
