using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace StatelessApp.Hosting.Requests;

/// <summary>
/// Outside Development, <c>AllowedHosts</c> must name the hosts clients use: unset or <c>*</c> stops the process at
/// start-up. With <c>*</c> any Host header is accepted, so the request's own origin (which the same-origin check compares
/// with) and every absolute URL the app builds would be the client's choice; a forgotten setting must not mean that.
/// Development keeps the framework's <c>*</c> default (a developer's machine has no proxy and no DNS name).
/// </summary>
internal sealed class AllowedHostsValidator(IHostEnvironment environment) : IValidateOptions<HostFilteringOptions>
{
    public const string SettingName = "AllowedHosts";

    public ValidateOptionsResult Validate(string? name, HostFilteringOptions options)
    {
        if (environment.IsDevelopment())
        {
            return ValidateOptionsResult.Success;
        }

        var hosts = options.AllowedHosts ?? [];
        if (hosts.Count == 0 || hosts.Any(host => host.Trim() == "*"))
        {
            return ValidateOptionsResult.Fail(
                $"{SettingName} must list the host names clients use, separated by ';' (e.g. \"shop.example.com;10.0.0.5\"), " +
                $"not \"*\" or nothing (got \"{string.Join(';', hosts)}\"): outside Development any Host header would be accepted.");
        }

        return ValidateOptionsResult.Success;
    }
}
