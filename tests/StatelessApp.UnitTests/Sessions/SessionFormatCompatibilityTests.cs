using StatelessApp.Hosting.Sessions;

namespace StatelessApp.UnitTests.Sessions;

/// <summary>
/// Golden byte vectors: sessions as earlier (and later) releases store them in Redis. During a rolling upgrade old and
/// new instances serve the same shopper, so each release must read every format still in Redis and write only formats
/// the release before it reads. Never edit a vector: add one for a new format (docs/operations.md, "Session format across versions").
/// </summary>
public sealed class SessionFormatCompatibilityTests
{
    /// <summary>Format 1, anonymous: written since 72389a0 (the first Redis sessions) up to main c89bd7f. { "cart": 01 02 03, "id": 2A }.</summary>
    private const string Format1 = "01 02 04 63617274 03 010203 02 6964 01 2A";

    /// <summary>Format 2, bound to an owner: written since 6b4a554 (sessions bound to an owner) up to main c89bd7f. Owner "shopper-42", { "cart": 01 02 03 }.</summary>
    private const string Format2 = "02 0A 73686F707065722D3432 01 04 63617274 03 010203";

    /// <summary>
    /// Format 3 as a FUTURE release may write it: owner in field 1, plus field 2 (unknown here: even, so skippable)
    /// holding DE AD BE EF, then { "cart": 01 02 03 }.
    /// </summary>
    private const string Format3FromTheFuture = "03 02 01 0A 73686F707065722D3432 02 04 DEADBEEF 01 04 63617274 03 010203";

    /// <summary>Format 3 with field 3: odd, "must be understood", unknown to this release.</summary>
    private const string Format3MustUnderstand = "03 01 03 01 FF 01 04 63617274 03 010203";

    [Fact]
    public void Format_1_of_earlier_releases_is_read()
    {
        var values = SessionSerializer.Deserialize(Bytes(Format1), out var owner, out var fields);

        Assert.Null(owner);
        Assert.Empty(fields);
        Assert.Equal([1, 2, 3], values["cart"]);
        Assert.Equal([42], values["id"]);
    }

    [Fact]
    public void Format_2_of_earlier_releases_is_read()
    {
        var values = SessionSerializer.Deserialize(Bytes(Format2), out var owner, out var fields);

        Assert.Equal("shopper-42", owner);
        Assert.Empty(fields);
        Assert.Equal([1, 2, 3], Assert.Single(values).Value);
    }

    [Fact]
    public void This_release_writes_formats_1_and_2_byte_for_byte_as_the_release_before_it_reads_them()
    {
        Assert.Equal(Bytes(Format1), SessionSerializer.Serialize(new Dictionary<string, byte[]> { ["cart"] = [1, 2, 3], ["id"] = [42] }));
        Assert.Equal(Bytes(Format2), SessionSerializer.Serialize(new Dictionary<string, byte[]> { ["cart"] = [1, 2, 3] }, "shopper-42"));
    }

    [Fact]
    public void A_future_session_is_read_without_loss_and_written_back_with_its_unknown_field()
    {
        var values = SessionSerializer.Deserialize(Bytes(Format3FromTheFuture), out var owner, out var fields);

        Assert.Equal("shopper-42", owner);
        Assert.Equal([1, 2, 3], values["cart"]);
        var field = Assert.Single(fields);
        Assert.Equal(2, field.Tag);
        Assert.Equal([0xDE, 0xAD, 0xBE, 0xEF], field.Value);

        // This release rewriting the session (e.g. the cart changed) keeps what the newer release stored.
        Assert.Equal(Bytes(Format3FromTheFuture), SessionSerializer.Serialize(values, owner, fields));
        values["id"] = [42];
        var rewritten = SessionSerializer.Serialize(values, owner, fields);
        SessionSerializer.Deserialize(rewritten, out _, out var kept);
        Assert.Equal(field.Value, Assert.Single(kept).Value);
    }

    [Fact]
    public void Header_fields_are_measured_exactly()
    {
        var values = new Dictionary<string, byte[]> { ["cart"] = [1, 2, 3] };
        SessionField[] fields = [new(2, new byte[200]), new(4, [])];

        foreach (var owner in new[] { null, "shopper-42" })
        {
            var withFields = SessionSerializer.Serialize(values, owner, fields).Length;
            var without = SessionSerializer.Serialize(values, owner).Length;
            Assert.Equal(withFields - without, SessionSerializer.MeasureFields(owner, fields));
        }
    }

    [Theory]
    [InlineData(Format3MustUnderstand)]
    [InlineData("03 02 01 01 61 01 01 62 00")] // two owners
    [InlineData("03 01 00 00 00")]            // tag 0 is reserved
    [InlineData("03 01 02 05 AA 00")]         // field longer than the data
    [InlineData("04 00")]                     // the format byte never grows past 3
    public void A_session_this_release_cannot_read_safely_is_a_FormatException(string hex) =>
        Assert.Throws<FormatException>(() => SessionSerializer.Deserialize(Bytes(hex)));

    private static byte[] Bytes(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));
}
