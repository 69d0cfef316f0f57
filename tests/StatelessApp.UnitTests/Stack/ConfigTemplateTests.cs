using StatelessApp.Stack.Servers;

namespace StatelessApp.UnitTests.Stack;

public class ConfigTemplateTests
{
    [Fact]
    public void Replaces_upper_case_placeholders_and_leaves_nginx_variables_alone()
    {
        var rendered = ConfigTemplate.Render(
            "listen ${PROXY_BIND}; proxy_set_header Host $http_host; ${lower}",
            new Dictionary<string, string> { ["PROXY_BIND"] = "127.1.0.10:8080" },
            "test");

        Assert.Equal("listen 127.1.0.10:8080; proxy_set_header Host $http_host; ${lower}", rendered);
    }

    [Fact]
    public void A_placeholder_without_a_value_is_an_error_not_an_empty_string()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            ConfigTemplate.Render("${A} ${B} ${A}", new Dictionary<string, string>(), "sentinel.conf"));

        Assert.Equal("sentinel.conf: no value for A, B", error.Message);
    }
}
