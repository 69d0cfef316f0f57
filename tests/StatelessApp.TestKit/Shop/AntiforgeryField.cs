using System.Net;
using System.Text.RegularExpressions;

namespace StatelessApp.TestKit.Shop;

/// <summary>The hidden antiforgery field of a Razor page's forms, as a browser posts it back.</summary>
public static partial class AntiforgeryField
{
    public const string Name = "__RequestVerificationToken";

    /// <summary>The token of the first form in <paramref name="html"/> (every form of one page carries the same), or null.</summary>
    public static string? TokenIn(string html)
    {
        var field = Field().Match(html);
        return field.Success && ValueAttribute().Match(field.Value) is { Success: true } value
            ? WebUtility.HtmlDecode(value.Groups["value"].Value)
            : null;
    }

    /// <summary>The hidden field, whatever the order of its attributes.</summary>
    [GeneratedRegex(@"<input[^>]*name=""__RequestVerificationToken""[^>]*>")]
    private static partial Regex Field();

    [GeneratedRegex(@"value=""(?<value>[^""]+)""")]
    private static partial Regex ValueAttribute();
}
