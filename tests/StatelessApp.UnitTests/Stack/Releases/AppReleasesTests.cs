using StatelessApp.Stack;
using StatelessApp.Stack.Operations;

namespace StatelessApp.UnitTests.Stack.Releases;

public sealed class AppReleasesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("stack-releases-").FullName;

    [Theory]
    [InlineData("1.1.0+c89bd7f0123456789", "1.1.0-0123abcd-20261205T174000Z")]
    [InlineData("1.1.0-rc.1", "1.1.0-rc.1-0123abcd-20261205T174000Z")]
    [InlineData("1.1/0 beta", "1.1-0-beta-0123abcd-20261205T174000Z")]
    [InlineData("+only-metadata", "0-0123abcd-20261205T174000Z")]
    public void A_release_id_is_the_version_without_build_metadata_the_content_hash_and_the_time(string version, string id)
    {
        Assert.Equal(id, AppReleases.IdOf(version, "0123abcdef", new DateTimeOffset(2026, 12, 5, 17, 40, 0, TimeSpan.FromHours(1)).AddHours(1)));
    }

    [Fact]
    public void The_content_hash_changes_with_a_file_and_with_a_name_but_not_with_the_manifest_or_the_time()
    {
        Write("a.dll", "one");
        Write(Path.Combine("wwwroot", "site.css"), "body{}");
        var first = AppReleases.ContentHash(_folder);

        File.SetLastWriteTimeUtc(Path.Combine(_folder, "a.dll"), DateTime.UtcNow.AddDays(-1));
        Write("release.env", "RELEASE_VERSION=1.0.0\n");
        var touched = AppReleases.ContentHash(_folder);
        Write("a.dll", "two");
        var changed = AppReleases.ContentHash(_folder);
        Write("a.dll", "one");
        File.Move(Path.Combine(_folder, "a.dll"), Path.Combine(_folder, "b.dll"));
        var renamed = AppReleases.ContentHash(_folder);

        Assert.Equal(first, touched);
        Assert.NotEqual(first, changed);
        Assert.NotEqual(first, renamed);
    }

    [Fact]
    public void A_publish_becomes_a_release_and_the_same_content_again_is_that_release()
    {
        var paths = new StackPaths(StackPaths.FindRepositoryRoot(), Path.Combine(_folder, "state"));
        var releases = new AppReleases(paths, "dotnet");
        var published = Path.Combine(_folder, "published");
        Directory.CreateDirectory(published);
        var assembly = typeof(AppRelease).Assembly;
        File.Copy(assembly.Location, Path.Combine(published, AppRelease.AssemblyName));

        var first = releases.Adopt(published, []);
        var again = releases.Adopt(published, [first.Id]);
        File.WriteAllText(Path.Combine(published, "appsettings.json"), "{}");
        var changed = releases.Adopt(published, [first.Id]);

        Assert.Equal(System.Diagnostics.FileVersionInfo.GetVersionInfo(assembly.Location).ProductVersion, first.Version);
        Assert.True(File.Exists(first.Assembly));
        Assert.Equal(first, again);
        Assert.Equal(first, releases.Find(first.Id));
        Assert.NotEqual(first.Id, changed.Id);
        Assert.True(File.Exists(Path.Combine(changed.Folder, "appsettings.json")));
    }

    private void Write(string relative, string content)
    {
        var path = Path.Combine(_folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    public void Dispose()
    {
        Directory.Delete(_folder, recursive: true);
        GC.SuppressFinalize(this);
    }
}
