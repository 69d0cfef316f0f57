using Microsoft.AspNetCore.Identity;

namespace StatelessApp.Web.Accounts;

/// <summary>
/// A shopper with a password (ASP.NET Core Identity's user, table <c>accounts</c>). Its id, in "N" format, is its
/// shopper id: the orders it places or takes over are keyed by it, and its sessions are bound to it.
/// </summary>
public sealed class ShopAccount : IdentityUser<Guid>
{
    /// <summary>The shopper id this account signs in as (<see cref="Shop.ShopperIdentity.ShopperIdClaim"/>).</summary>
    public string ShopperId => ShopperIdOf(Id);

    public static string ShopperIdOf(Guid accountId) => accountId.ToString("N");

    /// <summary>The account id a shopper id stands for; false for an anonymous shopper's (not an account's "N" id).</summary>
    public static bool TryParseShopperId(string shopperId, out Guid accountId) => Guid.TryParseExact(shopperId, "N", out accountId);
}
