namespace StatelessApp.Web.Shop;

internal static class ShopLimits
{
    /// <summary>
    /// Largest request body accepted (Kestrel's MaxRequestBodySize): the shop's requests are a few hundred bytes;
    /// anything near this is a mistake or an attack, answered with 413.
    /// </summary>
    public const long MaxRequestBodyBytes = 64 * 1024;
}
