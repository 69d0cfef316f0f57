using System.Globalization;

namespace StatelessApp.Hosting.Redis;

/// <summary>used_memory and maxmemory (bytes; 0 = no limit) from the text of <c>INFO memory</c>.</summary>
internal readonly record struct RedisMemoryInfo(long UsedBytes, long MaxBytes)
{
    public double? UsedFraction => MaxBytes > 0 ? (double)UsedBytes / MaxBytes : null;

    public static RedisMemoryInfo Parse(string info)
    {
        ArgumentNullException.ThrowIfNull(info);
        long used = 0, max = 0;
        foreach (var line in info.Split('\n'))
        {
            var separator = line.IndexOf(':', StringComparison.Ordinal);
            if (separator < 0)
            {
                continue;
            }

            var name = line.AsSpan(0, separator);
            var value = line.AsSpan(separator + 1).Trim();
            if (name.SequenceEqual("used_memory"))
            {
                used = long.Parse(value, CultureInfo.InvariantCulture);
            }
            else if (name.SequenceEqual("maxmemory"))
            {
                max = long.Parse(value, CultureInfo.InvariantCulture);
            }
        }

        return new RedisMemoryInfo(used, max);
    }
}
