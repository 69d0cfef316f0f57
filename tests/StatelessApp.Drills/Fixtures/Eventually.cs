namespace StatelessApp.Drills.Fixtures;

/// <summary>Polls a condition of the stack (every 200 ms) until it holds, or fails the drill after the timeout.</summary>
public static class Eventually
{
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"condition not met within {timeout.TotalSeconds:0} s");
            }

            await Task.Delay(200);
        }
    }
}
