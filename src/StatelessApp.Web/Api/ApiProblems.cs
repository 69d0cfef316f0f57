using StatelessApp.Web.Shop;

namespace StatelessApp.Web.Api;

/// <summary>The API's error answers, all ProblemDetails (RFC 9457).</summary>
internal static class ApiProblems
{
    public static IResult ProductNotFound(int productId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Product not found",
            detail: $"There is no product {productId}.");

    public static IResult OrderNotFound(Guid orderId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Order not found",
            detail: $"You have no order {orderId}.");

    public static IResult NotInCart(int productId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not in the cart",
            detail: $"Product {productId} is not in the cart.");

    public static IResult Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    public static IResult Invalid(CartChange change, string field) => Invalid(field, change.DescribeProblem());
}
