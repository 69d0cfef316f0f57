using StatelessApp.Stack.Topology;

namespace StatelessApp.UnitTests.Stack;

public class TopologyFileTests
{
    [Fact]
    public void Comments_blank_lines_and_surrounding_spaces_are_ignored()
    {
        var values = TopologyFile.Parse("# comment\n\n  PROXY_PORT = 8080  \nSTACK_DOMAIN=app.example.test\n");

        Assert.Equal("8080", values["PROXY_PORT"]);
        Assert.Equal("app.example.test", values["STACK_DOMAIN"]);
        Assert.Equal(2, values.Count);
    }

    [Fact]
    public void Bad_lines_are_reported_with_their_numbers()
    {
        var error = Assert.Throws<TopologyException>(() => TopologyFile.Parse("A=1\nnot an assignment\nA=2\nlower=1\nB=\"quoted\"\n"));

        Assert.Equal(
        [
            "line 2: expected KEY=VALUE, got 'not an assignment'",
            "line 3: A is set twice",
            "line 4: 'lower' is not a valid key (upper case letters, digits and '_')",
            "line 5: B has quotes or '$' in its value; the file is read without quoting or expansion",
        ], error.Errors);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var error = Assert.Throws<TopologyException>(() => TopologyFile.Read("/nonexistent/topology.env"));

        Assert.Contains("/nonexistent/topology.env", error.Message, StringComparison.Ordinal);
    }
}
