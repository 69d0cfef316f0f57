using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using StatelessApp.Hosting.Requests;

namespace StatelessApp.UnitTests.Requests;

public sealed class AllowedHostsValidatorTests
{
    [Theory]
    [InlineData("")]
    [InlineData("*")]
    [InlineData("shop.example.com;*")]
    public void Outside_Development_any_host_stops_the_start(string hosts)
    {
        var result = new AllowedHostsValidator(Environment(Environments.Production))
            .Validate(null, new HostFilteringOptions { AllowedHosts = hosts.Split(';', StringSplitOptions.RemoveEmptyEntries) });

        Assert.True(result.Failed);
        Assert.Contains("AllowedHosts must list the host names clients use", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Named_hosts_and_subdomain_wildcards_are_valid()
    {
        var result = new AllowedHostsValidator(Environment(Environments.Production))
            .Validate(null, new HostFilteringOptions { AllowedHosts = ["shop.example.com", "*.shop.example.com", "10.0.0.5"] });

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Development_keeps_the_framework_default()
    {
        var result = new AllowedHostsValidator(Environment(Environments.Development)).Validate(null, new HostFilteringOptions { AllowedHosts = ["*"] });

        Assert.True(result.Succeeded);
    }

    private static TestEnvironment Environment(string name) => new() { EnvironmentName = name };

    private sealed class TestEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "";

        public string ApplicationName { get; set; } = "test";

        public string ContentRootPath { get; set; } = "/";

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
