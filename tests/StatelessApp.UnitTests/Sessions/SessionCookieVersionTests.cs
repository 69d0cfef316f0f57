using System.Buffers.Text;
using Microsoft.AspNetCore.DataProtection;
using StatelessApp.Hosting.Sessions;

namespace StatelessApp.UnitTests.Sessions;

/// <summary>
/// The session cookie's payload: the 16-byte id as before, or the id followed by the session's version. A cookie without
/// a version (every cookie minted before versions) still names its session; anything else is refused.
/// </summary>
public sealed class SessionCookieVersionTests
{
    private const string Purpose = "StatelessApp.Hosting.Sessions.SessionCookie.v1";

    private readonly EphemeralDataProtectionProvider _provider = new();

    private SessionCookieProtector Protector => new(_provider);

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(long.MaxValue)]
    public void A_versioned_cookie_carries_the_id_and_the_version(long version)
    {
        var id = SessionCookieProtector.NewId();

        var read = Protector.Unprotect(Protector.Protect(id, version), out var carried, out var refusal);

        Assert.Null(refusal);
        Assert.Equal(id, read);
        Assert.Equal(version, carried);
    }

    [Fact]
    public void A_cookie_without_a_version_is_the_id_alone_as_before()
    {
        var id = SessionCookieProtector.NewId();
        var cookie = Protector.Protect(id);

        Assert.Equal(SessionCookieProtector.IdByteLength, Payload(cookie).Length);
        Assert.Equal(id, Protector.Unprotect(cookie, out var version, out var refusal));
        Assert.Null(version);
        Assert.Null(refusal);
    }

    [Fact]
    public void The_versioned_payload_is_the_id_then_the_version_big_endian()
    {
        var id = SessionCookieProtector.NewId();

        var payload = Payload(Protector.Protect(id, 0x0102030405060708));

        Assert.Equal([.. Base64Url.DecodeFromChars(id), 1, 2, 3, 4, 5, 6, 7, 8], payload);
    }

    [Fact]
    public void A_versioned_cookie_stays_far_below_the_length_limit()
    {
        Assert.InRange(Protector.Protect(SessionCookieProtector.NewId(), long.MaxValue).Length, 1, SessionCookieProtector.MaxCookieLength / 2);
    }

    [Theory]
    [InlineData(15)]
    [InlineData(17)]
    [InlineData(23)]
    [InlineData(25)]
    public void Other_payload_lengths_are_refused(int length)
    {
        var cookie = Base64Url.EncodeToString(_provider.CreateProtector(Purpose).Protect(new byte[length]));

        Assert.Null(Protector.Unprotect(cookie, out var version, out var refusal));
        Assert.Null(version);
        Assert.Contains($"{length} bytes", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void A_negative_version_is_refused()
    {
        var payload = new byte[SessionCookieProtector.VersionedByteLength];
        Array.Fill(payload, (byte)0xFF, SessionCookieProtector.IdByteLength, sizeof(long));
        var cookie = Base64Url.EncodeToString(_provider.CreateProtector(Purpose).Protect(payload));

        Assert.Null(Protector.Unprotect(cookie, out _, out var refusal));
        Assert.Contains("negative", refusal, StringComparison.Ordinal);
    }

    private byte[] Payload(string cookie) => _provider.CreateProtector(Purpose).Unprotect(Base64Url.DecodeFromChars(cookie));
}
