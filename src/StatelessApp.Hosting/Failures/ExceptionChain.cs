namespace StatelessApp.Hosting.Failures;

/// <summary>
/// An exception and every exception behind it, depth first: the inner exception, and each of an
/// <see cref="AggregateException"/>'s inner exceptions (Npgsql reports one failure per host that way). The one walker
/// the building blocks use to find a cause, whatever wrapped it (EF, DataProtection, the app).
/// </summary>
internal static class ExceptionChain
{
    /// <summary><paramref name="exception"/> first, then what caused it, depth first.</summary>
    public static IEnumerable<Exception> Of(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var pending = new Stack<Exception>();
        pending.Push(exception);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            yield return current;
            if (current is AggregateException aggregate)
            {
                for (var i = aggregate.InnerExceptions.Count - 1; i >= 0; i--)
                {
                    pending.Push(aggregate.InnerExceptions[i]);
                }
            }
            else if (current.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }
    }

    /// <summary>The first exception in the chain that matches, or null.</summary>
    public static Exception? Find(Exception exception, Func<Exception, bool> match) => Of(exception).FirstOrDefault(match);

    /// <summary>Does any exception in the chain match?</summary>
    public static bool Any(Exception exception, Func<Exception, bool> match) => Of(exception).Any(match);
}
