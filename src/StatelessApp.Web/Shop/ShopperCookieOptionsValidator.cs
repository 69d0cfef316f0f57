using Microsoft.Extensions.Options;

namespace StatelessApp.Web.Shop;

public sealed class ShopperCookieOptionsValidator : IValidateOptions<ShopperCookieOptions>
{
    /// <summary>Shorter turns every visitor into a new shopper within a visit or two.</summary>
    public static readonly TimeSpan MinLifetime = TimeSpan.FromHours(1);

    /// <summary>Browsers cap a cookie's lifetime at 400 days (RFC 6265bis); a longer setting would silently not hold.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(400);

    public ValidateOptionsResult Validate(string? name, ShopperCookieOptions options) =>
        options.Lifetime < MinLifetime || options.Lifetime > MaxLifetime
            ? ValidateOptionsResult.Fail(
                $"{ShopperCookieOptions.SectionName}:Lifetime must be between {MinLifetime} and {MaxLifetime} (was {options.Lifetime}).")
            : ValidateOptionsResult.Success;
}
