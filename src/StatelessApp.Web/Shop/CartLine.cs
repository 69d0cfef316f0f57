namespace StatelessApp.Web.Shop;

public sealed record CartLine(int ProductId, int Quantity);
