namespace StatelessApp.Web.Accounts;

/// <summary>Settings of the accounts (section "Accounts"), validated at start-up.</summary>
public sealed class AccountOptions
{
    public const string SectionName = "Accounts";

    /// <summary>
    /// Wrong passwords in a row that lock an account (Identity's lockout, on for every account). 5 leaves a shopper
    /// room for typos while an online guesser gets 5 tries per <see cref="LockoutDuration"/>.
    /// </summary>
    public int MaxFailedAccessAttempts { get; set; } = 5;

    /// <summary>How long a locked account refuses every password, the right one too.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long a saved cart (the account's cart at its last sign-out, in Redis) waits for the next sign-in. As long as a
    /// shopper cookie lives: a shopper away longer starts with an empty cart.
    /// </summary>
    public TimeSpan SavedCartLifetime { get; set; } = TimeSpan.FromDays(30);
}
