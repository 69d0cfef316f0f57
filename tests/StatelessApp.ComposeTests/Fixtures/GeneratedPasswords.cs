using System.Security.Cryptography;

namespace StatelessApp.ComposeTests.Fixtures;

/// <summary>docs/deploy.md's first step: every password of deploy/secrets.env.example, random, in a file only its owner reads.</summary>
public static class GeneratedPasswords
{
    public static async Task WriteAsync(string repositoryRoot, string path)
    {
        var names = (await File.ReadAllLinesAsync(Path.Combine(repositoryRoot, "deploy", "secrets.env.example")))
            .Where(line => line.Length > 1 && char.IsAsciiLetterUpper(line[0]) && line.Contains('=', StringComparison.Ordinal))
            .Select(line => line[..line.IndexOf('=', StringComparison.Ordinal)]);
        await File.WriteAllTextAsync(path, "");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite); // before any password is in it
        }

        await File.AppendAllLinesAsync(path, names.Select(name => $"{name}={Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}"));
    }
}
