using StatelessApp.Hosting.Failures;

namespace StatelessApp.UnitTests.Failures;

public sealed class ExceptionChainTests
{
    [Fact]
    public void Walks_inner_exceptions_and_every_branch_of_an_aggregate_depth_first()
    {
        var first = new TimeoutException("first host");
        var second = new InvalidOperationException("second host", new IOException("its cause"));
        var top = new InvalidOperationException("top", new AggregateException(first, second));

        var messages = ExceptionChain.Of(top).Select(e => e.Message).ToList();

        Assert.Equal(["top", new AggregateException(first, second).Message, "first host", "second host", "its cause"], messages);
    }

    [Fact]
    public void Finds_the_outermost_match_and_includes_the_exception_itself()
    {
        var inner = new TimeoutException("inner");
        var outer = new TimeoutException("outer", inner);

        Assert.Same(outer, ExceptionChain.Find(new InvalidOperationException("wrapper", outer), e => e is TimeoutException));
        Assert.Same(outer, ExceptionChain.Find(outer, e => e is TimeoutException));
        Assert.Null(ExceptionChain.Find(outer, e => e is IOException));
        Assert.True(ExceptionChain.Any(new AggregateException(new IOException(), inner), e => e == inner));
    }
}
