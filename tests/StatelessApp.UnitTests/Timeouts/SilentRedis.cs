using System.Reflection;
using StackExchange.Redis;

namespace StatelessApp.UnitTests.Timeouts;

/// <summary>
/// A Redis connection whose every asynchronous command stays pending forever: a hung server, or a partition, without
/// a server or a socket. Only a timeout or a cancellation can end a wait on it.
/// </summary>
public class SilentRedis : DispatchProxy
{
    public static IConnectionMultiplexer Multiplexer() => Create<IConnectionMultiplexer, SilentRedis>();

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name == nameof(IConnectionMultiplexer.GetDatabase))
        {
            return Create<IDatabase, SilentRedis>();
        }

        var returns = targetMethod.ReturnType;
        if (returns == typeof(Task))
        {
            return new TaskCompletionSource().Task;
        }

        if (returns.IsGenericType && returns.GetGenericTypeDefinition() == typeof(Task<>))
        {
            var pending = Activator.CreateInstance(typeof(TaskCompletionSource<>).MakeGenericType(returns.GetGenericArguments()));
            return pending!.GetType().GetProperty(nameof(TaskCompletionSource.Task))!.GetValue(pending);
        }

        throw new NotSupportedException($"{targetMethod.Name}: only asynchronous commands are silent.");
    }
}
