using System.Security.Claims;
using StatelessApp.Hosting.Sessions;

namespace StatelessApp.Web.Shop;

/// <summary>The cart's session belongs to the shopper it was created for: another shopper presenting its cookie gets a new one.</summary>
internal sealed class ShopperSessionOwner : ISessionOwner
{
    public string? OwnerOf(HttpContext context) => context.User.FindFirstValue(ShopperIdentity.ShopperIdClaim);
}
