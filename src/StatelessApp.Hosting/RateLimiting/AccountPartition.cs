using System.Security.Cryptography;
using System.Text;

namespace StatelessApp.Hosting.RateLimiting;

/// <summary>
/// The account name a sign-in limit counts by: normalised as Identity's lookup normalises it (Unicode form C, upper
/// invariant), and trimmed, so every spelling Identity takes for one account lands on one counter; then hashed, so no
/// email appears in a Redis key or a log line, and a key's length does not depend on what the client typed.
/// </summary>
internal static class AccountPartition
{
    public static string Of(string accountName)
    {
        ArgumentNullException.ThrowIfNull(accountName);
        var name = accountName.Trim();
        try
        {
            name = name.Normalize();
        }
        catch (ArgumentException)
        {
            // Not valid Unicode (a lone surrogate): no account has such a name, but it is still counted, as typed.
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(name.ToUpperInvariant()));
        return "account-" + Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }
}
