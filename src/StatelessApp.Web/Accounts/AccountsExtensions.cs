using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StatelessApp.Web.Data;

namespace StatelessApp.Web.Accounts;

public static class AccountsExtensions
{
    /// <summary>Minimum password length; no composition rules (NIST SP 800-63B): length is what resists guessing.</summary>
    public const int MinPasswordLength = 12;

    /// <summary>Longer passwords are refused before hashing: a megabyte password must not cost the hasher.</summary>
    public const int MaxPasswordLength = 128;

    /// <summary>
    /// ASP.NET Core Identity's user manager on the shop's database (no roles, no Identity cookie: the shopper cookie is
    /// the one authentication cookie), lockout on for every account with <c>Accounts:*</c> settings validated at start-up.
    /// </summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddOptions<AccountOptions>().BindConfiguration(AccountOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AccountOptions>, AccountOptionsValidator>());

        services.AddIdentityCore<ShopAccount>(identity =>
            {
                identity.User.RequireUniqueEmail = true;
                identity.User.AllowedUserNameCharacters = ""; // the user name is the email, already validated as one
                identity.Password.RequiredLength = MinPasswordLength;
                identity.Password.RequireDigit = false;
                identity.Password.RequireLowercase = false;
                identity.Password.RequireUppercase = false;
                identity.Password.RequireNonAlphanumeric = false;
                identity.Password.RequiredUniqueChars = 1;
                identity.Lockout.AllowedForNewUsers = true;
            })
            .AddEntityFrameworkStores<ShopDbContext>();
        services.AddOptions<IdentityOptions>().Configure<IOptions<AccountOptions>>((identity, accounts) =>
        {
            identity.Lockout.MaxFailedAccessAttempts = accounts.Value.MaxFailedAccessAttempts;
            identity.Lockout.DefaultLockoutTimeSpan = accounts.Value.LockoutDuration;
        });

        services.TryAddSingleton<SavedCarts>();
        services.TryAddScoped<ConfirmedAccountWrites>();
        services.TryAddScoped<PasswordCheck>();
        services.TryAddScoped<AccountSessions>();
        services.TryAddScoped<AccountRevocation>();
        services.TryAddScoped<AccountReader>();
        return services;
    }
}
