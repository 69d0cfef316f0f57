using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace StatelessApp.Stack.Security;

/// <summary>
/// A PostgreSQL SCRAM-SHA-256 password verifier (RFC 5802/7677, the form pg_authid stores): `ALTER ROLE … PASSWORD`
/// given this instead of the password keeps the password itself out of the statement, and so out of any server log.
/// </summary>
public static class ScramVerifier
{
    private const int Iterations = 4096;

    /// <summary>SCRAM-SHA-256$&lt;iterations&gt;:&lt;salt&gt;$&lt;StoredKey&gt;:&lt;ServerKey&gt;, all base64, with a fresh random salt.</summary>
    public static string For(string password) => For(password, RandomNumberGenerator.GetBytes(16));

    public static string For(string password, byte[] salt)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(salt);
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, 32);
        var storedKey = SHA256.HashData(HMACSHA256.HashData(salted, "Client Key"u8));
        var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        return string.Create(CultureInfo.InvariantCulture,
            $"SCRAM-SHA-256${Iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}");
    }
}
