using System.Text;
using StatelessApp.Stack.Security;

namespace StatelessApp.UnitTests.Stack;

public class ScramVerifierTests
{
    [Fact]
    public void The_verifier_is_what_PostgreSQL_stores_for_the_password_and_salt()
    {
        // RFC 7677's password and salt; the keys computed independently (Python's hashlib.pbkdf2_hmac and hmac).
        var verifier = ScramVerifier.For("pencil", Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ=="));

        Assert.Equal("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=", verifier);
    }

    [Fact]
    public void Each_verifier_has_its_own_salt_and_holds_no_password()
    {
        var first = ScramVerifier.For("secret-password");
        var second = ScramVerifier.For("secret-password");

        Assert.NotEqual(first, second);
        Assert.DoesNotContain("secret-password", first, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes("secret-password")), first, StringComparison.Ordinal);
    }
}
