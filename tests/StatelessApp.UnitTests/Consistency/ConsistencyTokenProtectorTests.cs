using Microsoft.AspNetCore.DataProtection;
using NpgsqlTypes;
using StatelessApp.Hosting.Consistency;

namespace StatelessApp.UnitTests.Consistency;

public sealed class ConsistencyTokenProtectorTests
{
    private static readonly NpgsqlLogSequenceNumber Position = NpgsqlLogSequenceNumber.Parse("0/3A2B1C8");

    private readonly ConsistencyTokenProtector _protector = new(new EphemeralDataProtectionProvider());

    [Fact]
    public void A_token_round_trips_for_the_user_it_was_issued_to()
    {
        var token = _protector.Protect(Position, "alice");
        Assert.True(_protector.TryUnprotect(token, "alice", out var position));
        Assert.Equal(Position, position);
    }

    [Fact]
    public void Another_users_token_is_refused()
    {
        var token = _protector.Protect(Position, "alice");
        Assert.False(_protector.TryUnprotect(token, "mallory", out _));
        Assert.False(_protector.TryUnprotect(token, "", out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("%%%not-base64%%%")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Malformed_tokens_are_refused_without_throwing(string token) =>
        Assert.False(_protector.TryUnprotect(token, "alice", out _));

    [Fact]
    public void A_tampered_or_oversized_token_is_refused()
    {
        var token = _protector.Protect(Position, "alice");
        var tampered = token[..^2] + (token[^2] == 'A' ? "BA" : "AA");
        Assert.False(_protector.TryUnprotect(tampered, "alice", out _));
        Assert.False(_protector.TryUnprotect(new string('A', ConsistencyTokenProtector.MaxTokenLength + 1), "alice", out _));
    }

    [Fact]
    public void A_token_protected_for_another_purpose_is_refused()
    {
        var provider = new EphemeralDataProtectionProvider();
        var protector = new ConsistencyTokenProtector(provider);
        var otherPurpose = provider.CreateProtector("StatelessApp.Sessions.Cookie").Protect(new byte[] { 1, 0, 0, 0, 0, 0, 0, 0, 42 });
        Assert.False(protector.TryUnprotect(System.Buffers.Text.Base64Url.EncodeToString(otherPurpose), "", out _));
    }
}
