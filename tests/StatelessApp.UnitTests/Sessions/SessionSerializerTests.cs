using StatelessApp.Hosting.Sessions;

namespace StatelessApp.UnitTests.Sessions;

public sealed class SessionSerializerTests
{
    public static TheoryData<Dictionary<string, byte[]>> Sessions => new()
    {
        new Dictionary<string, byte[]>(),
        new Dictionary<string, byte[]> { ["cart"] = [1, 2, 3] },
        new Dictionary<string, byte[]> { ["empty"] = [], [""] = [0] },
        new Dictionary<string, byte[]> { ["Größe 🛒"] = "ünïcödé"u8.ToArray(), ["binary"] = [0, 255, 128, 127] },
        new Dictionary<string, byte[]> { ["large"] = Enumerable.Range(0, 100_000).Select(i => (byte)i).ToArray() },
    };

    [Theory]
    [MemberData(nameof(Sessions))]
    public void Round_trip_keeps_every_key_and_value(Dictionary<string, byte[]> session)
    {
        var restored = SessionSerializer.Deserialize(SessionSerializer.Serialize(session));

        Assert.Equal(session.Keys.Order(StringComparer.Ordinal), restored.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, value) in session)
        {
            Assert.Equal(value, restored[key]);
        }
    }

    [Fact]
    public void Format_is_version_count_then_length_prefixed_keys_and_values()
    {
        var bytes = SessionSerializer.Serialize(new Dictionary<string, byte[]> { ["id"] = [42] });

        Assert.Equal([SessionSerializer.FormatVersion, 1, 2, (byte)'i', (byte)'d', 1, 42], bytes);
    }

    [Theory]
    [MemberData(nameof(Sessions))]
    public void Measured_size_bounds_the_serialized_size(Dictionary<string, byte[]> session)
    {
        var measured = SessionSerializer.HeaderSize + session.Sum(entry => SessionSerializer.MeasureEntry(entry.Key, entry.Value.Length));
        var actual = SessionSerializer.Serialize(session).Length;

        // The header estimate reserves 5 bytes for the count; entries are measured exactly.
        Assert.InRange(measured - actual, 0, 4);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 2, 0 })]
    [InlineData(new byte[] { 3, 0 })]
    [InlineData(new byte[] { 1, 1, 5, (byte)'a' })]
    [InlineData(new byte[] { 1, 1, 1, (byte)'a', 3, 1 })]
    [InlineData(new byte[] { 1, 0, 99 })]
    [InlineData(new byte[] { 1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF })]
    public void Corrupt_data_is_a_FormatException(byte[] data) =>
        Assert.Throws<FormatException>(() => SessionSerializer.Deserialize(data));

    [Theory]
    [InlineData("shopper-42")]
    [InlineData("")]
    [InlineData("ünïcödé owner")]
    public void Owner_round_trips_in_format_2_and_is_measured(string owner)
    {
        var session = new Dictionary<string, byte[]> { ["cart"] = [1, 2, 3] };

        var bytes = SessionSerializer.Serialize(session, owner);
        var restored = SessionSerializer.Deserialize(bytes, out var restoredOwner);

        Assert.Equal(SessionSerializer.OwnedFormatVersion, bytes[0]);
        Assert.Equal(owner, restoredOwner);
        Assert.Equal([1, 2, 3], restored["cart"]);
        Assert.Equal(bytes.Length - SessionSerializer.Serialize(session).Length, SessionSerializer.MeasureOwner(owner));
    }

    [Fact]
    public void Session_without_owner_stays_format_1_and_reads_as_ownerless()
    {
        SessionSerializer.Deserialize(SessionSerializer.Serialize(new Dictionary<string, byte[]>()), out var owner);

        Assert.Null(owner);
    }
}
