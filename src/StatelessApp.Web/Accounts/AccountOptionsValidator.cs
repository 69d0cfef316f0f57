using Microsoft.Extensions.Options;

namespace StatelessApp.Web.Accounts;

public sealed class AccountOptionsValidator : IValidateOptions<AccountOptions>
{
    /// <summary>Fewer locks a shopper out on a typo or two; more gives a guesser too many tries per lockout.</summary>
    public const int MinAttempts = 3;

    public const int MaxAttempts = 20;

    /// <summary>Shorter than a minute barely slows a guesser; longer than a day is a denial of service on the shopper.</summary>
    public static readonly TimeSpan MinLockout = TimeSpan.FromMinutes(1);

    public static readonly TimeSpan MaxLockout = TimeSpan.FromDays(1);

    public static readonly TimeSpan MinSavedCartLifetime = TimeSpan.FromHours(1);

    /// <summary>Redis keeps the saved cart with this TTL; beyond a shopper cookie's maximum nobody could come back for it.</summary>
    public static readonly TimeSpan MaxSavedCartLifetime = TimeSpan.FromDays(400);

    public ValidateOptionsResult Validate(string? name, AccountOptions options)
    {
        var failures = new List<string>();
        if (options.MaxFailedAccessAttempts is < MinAttempts or > MaxAttempts)
        {
            failures.Add($"{AccountOptions.SectionName}:MaxFailedAccessAttempts must be between {MinAttempts} and {MaxAttempts} (was {options.MaxFailedAccessAttempts}).");
        }

        if (options.LockoutDuration < MinLockout || options.LockoutDuration > MaxLockout)
        {
            failures.Add($"{AccountOptions.SectionName}:LockoutDuration must be between {MinLockout} and {MaxLockout} (was {options.LockoutDuration}).");
        }

        if (options.SavedCartLifetime < MinSavedCartLifetime || options.SavedCartLifetime > MaxSavedCartLifetime)
        {
            failures.Add($"{AccountOptions.SectionName}:SavedCartLifetime must be between {MinSavedCartLifetime} and {MaxSavedCartLifetime} (was {options.SavedCartLifetime}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
