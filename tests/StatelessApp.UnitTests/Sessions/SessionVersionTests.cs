using StatelessApp.Hosting.Sessions;

namespace StatelessApp.UnitTests.Sessions;

/// <summary>
/// The session's version in the stored value (header field 4 of format 3) and the rule that lets a local copy answer: its
/// version is at least the cookie's.
/// </summary>
public sealed class SessionVersionTests
{
    [Theory]
    [InlineData(5L, 5L, true)]
    [InlineData(6L, 5L, true)]
    [InlineData(4L, 5L, false)]
    [InlineData(0L, 1L, false)]
    [InlineData(null, 0L, false)]
    [InlineData(null, 5L, false)]
    public void A_copy_answers_a_cookie_only_with_that_version_or_a_later_one(long? stored, long cookie, bool covers) =>
        Assert.Equal(covers, SessionVersion.Covers(stored, cookie));

    [Fact]
    public void The_version_survives_the_stored_value_next_to_the_owner_and_other_fields()
    {
        IReadOnlyList<SessionField> future = [new SessionField(2, [9, 9])];
        var fields = SessionVersion.With(future, 42);

        var data = SessionSerializer.Serialize(new Dictionary<string, byte[]> { ["cart"] = [1] }, "alice", fields);
        var values = SessionSerializer.Deserialize(data, out var owner, out var read);

        Assert.Equal(42, SessionVersion.Read(read));
        Assert.Equal("alice", owner);
        Assert.Equal([1], values["cart"]);
        Assert.Contains(read, f => f.Tag == 2 && f.Value.SequenceEqual(new byte[] { 9, 9 }));
        Assert.Equal(SessionSerializer.FieldsFormatVersion, data[0]);
    }

    [Fact]
    public void Setting_the_version_replaces_the_one_there()
    {
        var fields = SessionVersion.With(SessionVersion.With([], 1), 2);

        Assert.Single(fields, f => f.Tag == SessionVersion.Tag);
        Assert.Equal(2, SessionVersion.Read(fields));
    }

    [Fact]
    public void The_version_is_skippable_by_a_release_that_does_not_know_it() =>
        Assert.False(SessionField.MustBeUnderstood(SessionVersion.Tag));

    [Fact]
    public void A_value_without_a_version_or_with_a_malformed_one_has_none()
    {
        Assert.Null(SessionVersion.Read([]));
        Assert.Null(SessionVersion.Read([new SessionField(SessionVersion.Tag, [1, 2, 3])]));
        Assert.Null(SessionVersion.Read([new SessionField(SessionVersion.Tag, [0xFF, 0, 0, 0, 0, 0, 0, 1])]));
    }

    [Fact]
    public void The_field_has_a_fixed_size_so_counting_saves_never_grows_the_session()
    {
        var small = SessionSerializer.MeasureFields(null, SessionVersion.With([], 0));
        var large = SessionSerializer.MeasureFields(null, SessionVersion.With([], long.MaxValue));

        Assert.Equal(small, large);
    }
}
