using System.Net;
using System.Text.RegularExpressions;

namespace StatelessApp.TestKit.Http;

/// <summary>The antiforgery token a page's form carries, as a browser posts it back (tests and bench alike).</summary>
public static partial class AntiforgeryField
{
    public const string Name = "__RequestVerificationToken";

    /// <summary>The token of the first form in <paramref name="html"/>, HTML-decoded.</summary>
    /// <exception cref="InvalidOperationException">The page has no antiforgery token.</exception>
    public static string TokenOf(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var match = TokenField().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException("the page has no antiforgery token");
    }

    [GeneratedRegex("""name="__RequestVerificationToken"[^>]*value="([^"]+)""")]
    private static partial Regex TokenField();
}
