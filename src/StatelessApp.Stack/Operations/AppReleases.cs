using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using StatelessApp.Stack.Processes;

namespace StatelessApp.Stack.Operations;

/// <summary>
/// The app's releases under <see cref="StackPaths.Releases"/>: `dotnet publish` into a staging folder, then a release
/// folder named by version, content hash and time. A build whose content equals an existing release's is that release
/// (an unchanged tree makes no new release, and `up` then restarts nothing).
/// </summary>
public sealed class AppReleases(StackPaths paths, string dotnet)
{
    /// <summary>Releases kept besides the current and the previous one (older ones are deleted after a publish).</summary>
    public const int KeptOlderReleases = 2;

    private const string ManifestName = "release.env";
    private const string CreatedKey = "RELEASE_CREATED";
    private const string HashKey = "RELEASE_CONTENT_SHA256";
    private const string VersionKey = "RELEASE_VERSION";

    private string Staging => Path.Combine(paths.Releases, ".publish");

    /// <summary>The release with this id, or null when its folder is gone.</summary>
    public AppRelease? Find(string? id)
    {
        if (id is null || !File.Exists(Path.Combine(paths.ReleaseOf(id), ManifestName)))
        {
            return null;
        }

        var manifest = Servers.ConfigTemplate.ReadEnvFile(Path.Combine(paths.ReleaseOf(id), ManifestName));
        return new AppRelease(id, manifest.GetValueOrDefault(VersionKey) ?? "?", paths.ReleaseOf(id));
    }

    /// <summary>
    /// Publishes the working tree (stamped with <paramref name="version"/> as its informational version, else the
    /// project's) and returns its release: an existing one with the same content, or a new folder.
    /// <paramref name="keep"/> names releases the pruning must not delete (current and previous).
    /// </summary>
    public async Task<AppRelease> PublishAsync(string? version, IReadOnlyCollection<string?> keep, CancellationToken cancellationToken)
    {
        // No build servers: a compiler server or MSBuild node left running keeps the output pipe open, and the publish
        // would look unfinished until the time limit although it is done.
        string[] arguments = ["publish", paths.WebProject, "-c", "Release", "-o", Staging, "-nologo", "-v", "q", "-clp:ErrorsOnly", "--disable-build-servers"];
        if (version is not null)
        {
            arguments = [.. arguments, "-p:InformationalVersion=" + version];
        }

        var result = await CommandRunner.RunAsync(dotnet, arguments, TimeSpan.FromMinutes(10), logFile: paths.LogOf("build"),
            workingDirectory: paths.RepositoryRoot, cancellationToken: cancellationToken);
        if (!result.Succeeded)
        {
            throw new StackException($"dotnet publish of the app failed (log: {paths.LogOf("build")}):\n{result.Output}");
        }

        return Adopt(Staging, keep);
    }

    /// <summary>
    /// The release of the published app in <paramref name="published"/>: the existing one with the same content, or a
    /// new release folder (a copy, so the next publish may overwrite <paramref name="published"/>).
    /// </summary>
    public AppRelease Adopt(string published, IReadOnlyCollection<string?> keep)
    {
        var hash = ContentHash(published);
        if (All().Where(r => r.Hash == hash).Select(r => r.Release).FirstOrDefault() is { } same)
        {
            return same;
        }

        var version = FileVersionInfo.GetVersionInfo(Path.Combine(published, AppRelease.AssemblyName)).ProductVersion is { Length: > 0 } product ? product : "?";
        var created = DateTimeOffset.UtcNow;
        var id = IdOf(version, hash, created);
        var folder = paths.ReleaseOf(id);
        var partial = folder + ".partial";
        if (Directory.Exists(partial))
        {
            Directory.Delete(partial, recursive: true);
        }

        CopyFolder(published, partial);
        File.WriteAllText(Path.Combine(partial, ManifestName),
            $"{VersionKey}={version}\n{HashKey}={hash}\n{CreatedKey}={created.ToString("O", CultureInfo.InvariantCulture)}\n");
        Directory.Move(partial, folder);
        Prune([.. keep, id]);
        return new AppRelease(id, version, folder);
    }

    /// <summary>
    /// A release id: the version up to its build metadata ('+', e.g. the commit the SDK appends), made safe for a folder
    /// name, the content hash's first 8 digits and the UTC time, e.g. 1.0.0-3f2a9c1d-20261205T174000Z.
    /// </summary>
    public static string IdOf(string version, string contentHash, DateTimeOffset created)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(contentHash);
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        var name = new string([.. (plus >= 0 ? version[..plus] : version).Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '-')]);
        return string.Create(CultureInfo.InvariantCulture, $"{(name.Length == 0 ? "0" : name)}-{contentHash[..8]}-{created.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}");
    }

    /// <summary>SHA-256 over every file's relative path and content, in ordinal order of the paths.</summary>
    public static string ContentHash(string folder)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                     .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
                     .Where(f => f != ManifestName)
                     .Order(StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(file + "\n"));
            hash.AppendData(File.ReadAllBytes(Path.Combine(folder, file)));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Deletes the oldest releases beyond <see cref="KeptOlderReleases"/>, never one named in <paramref name="keep"/>.</summary>
    private void Prune(IReadOnlyCollection<string?> keep)
    {
        foreach (var old in All().Where(r => !keep.Contains(r.Release.Id)).OrderByDescending(r => r.Created).Skip(KeptOlderReleases))
        {
            Directory.Delete(old.Release.Folder, recursive: true);
        }
    }

    private IEnumerable<(AppRelease Release, string Hash, DateTimeOffset Created)> All()
    {
        if (!Directory.Exists(paths.Releases))
        {
            yield break;
        }

        foreach (var folder in Directory.EnumerateDirectories(paths.Releases))
        {
            var manifest = Path.Combine(folder, ManifestName);
            var id = Path.GetFileName(folder);
            if (id.StartsWith('.') || id.EndsWith(".partial", StringComparison.Ordinal) || !File.Exists(manifest))
            {
                continue;
            }

            var values = Servers.ConfigTemplate.ReadEnvFile(manifest);
            var created = DateTimeOffset.TryParse(values.GetValueOrDefault(CreatedKey), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time)
                ? time
                : DateTimeOffset.MinValue;
            yield return (new AppRelease(id, values.GetValueOrDefault(VersionKey) ?? "?", folder), values.GetValueOrDefault(HashKey) ?? "", created);
        }
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }

        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }
}
