namespace StatelessApp.Bench;

/// <summary>One kind of request, named as wrk/shop.lua knows it.</summary>
public sealed record Scenario(string Name, string Request, bool TouchesSession, string Description)
{
    public static readonly Scenario Floor = new("floor", "GET /health/live", false, "touches neither session nor database");

    public static readonly Scenario Catalogue = new("catalogue", "GET /api/products", false, "36 products from a standby; session untouched");

    public static readonly Scenario SessionRead = new("session-read", "GET /api/cart", true, "reads the session's 3-line cart and prices it");

    public static readonly Scenario CartChange = new("cart-change", "POST /api/cart/items", true, "adds 1 to a cart line: load + save of the session");

    public static readonly Scenario Checkout = new("checkout", "POST /api/checkout", true, "places a fresh 1-line cart as an order on the primary");

    public static readonly Scenario SignInPage = new("sign-in-page", "GET /Account/SignIn", false, "the sign-in form and its antiforgery token");

    public static readonly Scenario SignIn = new("sign-in", "POST /Account/SignIn", true,
        "signs an account in: throttle counters, one password verification, cookie re-issued, session regenerated");

    public static readonly IReadOnlyList<Scenario> All = [Floor, Catalogue, SessionRead, CartChange, Checkout, SignInPage, SignIn];
}
