namespace StatelessApp.Web.Shop;

/// <summary>Settings of the shopper cookie (section "Shopper").</summary>
public sealed class ShopperCookieOptions
{
    public const string SectionName = "Shopper";

    /// <summary>
    /// Absolute lifetime of a shopper cookie: it expires this long after it was first issued, however often it is used
    /// (no sliding), and a revocation re-issues it with the same end. 30 days bounds how long a copied cookie works
    /// unnoticed, while a returning shopper keeps "my orders" for a month; anything longer belongs to accounts.
    /// </summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromDays(30);
}
