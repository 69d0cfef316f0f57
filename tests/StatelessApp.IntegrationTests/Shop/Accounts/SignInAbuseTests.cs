using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using StatelessApp.TestKit.Security;
using StatelessApp.Web.Accounts;
using StatelessApp.Web.Pages.Account;

namespace StatelessApp.IntegrationTests.Shop.Accounts;

/// <summary>
/// The sign-in page under attack, on instances of the shared shop with their own sign-in limits (their own counters) and
/// the loopback trusted as their proxy (X-Forwarded-For names the client): every failure that could tell an account
/// exists answers alike after one password verification; one address is paused across instances; the work factor
/// rises without breaking an older hash.
/// </summary>
[Collection(SharedShop.Name)]
public sealed partial class SignInAbuseTests(ShopServers servers)
{
    [Fact]
    public async Task Unknown_email_wrong_password_locked_out_and_paused_account_answer_alike_after_one_verification()
    {
        var instance = Start(new()
        {
            ["RateLimits:SignInPerAccount:PermitLimit"] = "4",
            ["Accounts:MaxFailedAccessAttempts"] = "3",
        }, countVerifications: true);
        var hasher = instance.Services.GetRequiredService<CountingPasswordHasher>();
        var email = await new Shopper().RegisteredAsync(servers.App1);
        using var attacker = From("198.51.100.20");

        var answers = new List<(string Case, HttpStatusCode Status, string Page, long Verifications)>();
        async Task AttemptAsync(string label, string name, string password)
        {
            _ = await attacker.On(instance).GetStringAsync("Account/SignIn"); // the form's token, outside the count
            var before = hasher.Verifications;
            var response = await attacker.SignInAsync(instance, name, password);
            var page = await response.Content.ReadAsStringAsync();
            answers.Add((label, response.StatusCode, Comparable(page, name), hasher.Verifications - before));
            SecurityAttempts.Record("client → app", $"sign-in: {label}", $"{(int)response.StatusCode}, \"{SignInModel.Failure}\"",
                refused: response.StatusCode == HttpStatusCode.OK && page.Contains(SignInModel.Failure, StringComparison.Ordinal));
        }

        await AttemptAsync("unknown email", AccountForms.NewEmail(), "a guessed password");
        for (var i = 0; i < 3; i++)
        {
            await AttemptAsync("wrong password", email, $"guess number {i}"); // the third locks the account
        }

        await AttemptAsync("locked out (right password)", email, AccountForms.Password);
        await AttemptAsync("paused by the account's sign-in limit (right password)", email, AccountForms.Password);

        Assert.All(answers, answer =>
        {
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.Contains(SignInModel.Failure, answer.Page, StringComparison.Ordinal);
            Assert.Equal(answers[0].Page, answer.Page);
            Assert.True(answer.Verifications == 1, $"{answer.Case}: {answer.Verifications} password verifications");
        });
        Assert.Null(await attacker.SignedInAsAsync(instance));
    }

    [Fact]
    public async Task One_address_is_paused_on_every_instance_whatever_the_accounts_it_names()
    {
        var prefix = KeyPrefix();
        var settings = new Dictionary<string, string?> { ["RateLimits:SignInPerClient:PermitLimit"] = "3" };
        var first = Start(settings, prefix);
        var second = Start(settings, prefix);
        using var attacker = From("198.51.100.30");
        using var neighbour = From("198.51.100.31");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await attacker.SignInAsync(i % 2 == 0 ? first : second, AccountForms.NewEmail(), "a guessed password")).StatusCode);
        }

        var paused = await attacker.SignInAsync(first, AccountForms.NewEmail(), "a guessed password");
        var pausedElsewhere = await attacker.SignInAsync(second, AccountForms.NewEmail(), "a guessed password");
        var other = await neighbour.SignInAsync(second, AccountForms.NewEmail(), "a guessed password");

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        foreach (var refused in new[] { paused, pausedElsewhere })
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture), 1, 900);
            Assert.Contains(SignInModel.Failure, await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        SecurityAttempts.Record("client → app", "sign-in: a 4th attempt from one address (limit 3 per window), other instance, other account",
            $"{(int)pausedElsewhere.StatusCode}, Retry-After {pausedElsewhere.Headers.RetryAfter}",
            refused: pausedElsewhere.StatusCode == HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task A_hash_made_at_a_lower_work_factor_still_signs_in_and_is_rehashed_at_the_current_one()
    {
        var older = Start(new() { ["Accounts:PasswordIterations"] = "100000" });
        using var earlier = new Shopper();
        var email = await earlier.RegisteredAsync(older);
        Assert.Equal(100_000, await IterationsAsync(email));

        using var browser = new Shopper();
        var signedIn = await browser.SignInAsync(servers.App1, email); // App1 runs the shipped 210,000

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(210_000, await IterationsAsync(email));
        Assert.Equal(email, await browser.SignedInAsAsync(servers.App2));
        // Identity's rehash renews the security stamp: the browsers signed in before it must sign in again, once.
        Assert.Null(await earlier.SignedInAsAsync(servers.App2));
        using var again = new Shopper();
        Assert.Equal(HttpStatusCode.Redirect, (await again.SignInAsync(servers.App2, email)).StatusCode);
        Assert.Equal(210_000, await IterationsAsync(email));
    }

    /// <summary>The iteration count a V3 hash holds: bytes 5-8, big-endian, after the format marker and the PRF.</summary>
    private async Task<int> IterationsAsync(string email)
    {
        await using var scope = servers.App1.Services.CreateAsyncScope();
        var account = await scope.ServiceProvider.GetRequiredService<UserManager<ShopAccount>>().FindByEmailAsync(email)
            ?? throw new InvalidOperationException($"no account {email}");
        var hash = Convert.FromBase64String(account.PasswordHash!);
        Assert.Equal(0x01, hash[0]); // V3
        return (int)BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(5, 4));
    }

    private ShopInstance Start(Dictionary<string, string?> settings, string? keyPrefix = null, bool countVerifications = false)
    {
        settings["RateLimits:KeyPrefix"] = keyPrefix ?? KeyPrefix();
        settings["Proxy:KnownProxies:0"] = "127.0.0.1";
        return servers.StartInstance($"abuse-{Guid.NewGuid():N}"[..14], settings, countVerifications
            ? web => web.ConfigureTestServices(services =>
            {
                services.AddSingleton<CountingPasswordHasher>();
                services.AddSingleton<IPasswordHasher<ShopAccount>>(provider => provider.GetRequiredService<CountingPasswordHasher>());
            })
            : null);
    }

    /// <summary>Counters of their own: the shared shop's instances count sign-ins from 127.0.0.1 under the default prefix.</summary>
    private static string KeyPrefix() => $"StatelessApp:RateLimit:{Guid.NewGuid():N}:";

    /// <summary>A browser behind the proxy at 127.0.0.1, as seen from <paramref name="address"/>.</summary>
    private static Shopper From(string address) => new() { ForwardedFor = address };

    /// <summary>The page without what differs by design: the antiforgery token and the email typed back into the form.</summary>
    private static string Comparable(string page, string email) =>
        TokenField().Replace(page, "TOKEN").Replace(email, "EMAIL", StringComparison.Ordinal);

    [GeneratedRegex("""name="__RequestVerificationToken"[^>]*""")]
    private static partial Regex TokenField();
}
