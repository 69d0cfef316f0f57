namespace StatelessApp.DeployTests.Infrastructure;

/// <summary>
/// One row of deploy/images/images.txt: an image as the compose files name it, its build context and Dockerfile
/// (from the repository root), and the Dockerfile build-images.sh --local-base uses instead (null: the same one).
/// </summary>
public sealed record ImageRow(string Image, string Context, string Dockerfile, string? LocalDockerfile, string Runs);

/// <summary>deploy/images/images.txt as build-images.sh reads it: whitespace columns, the last one the rest of the line.</summary>
public static class ImagesTable
{
    public static IReadOnlyList<ImageRow> Load() =>
    [
        .. File.ReadAllLines(Repository.PathOf("deploy", "images", "images.txt"))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split((char[]?)null, 5, StringSplitOptions.RemoveEmptyEntries))
            .Select(c => new ImageRow(c[0], c[1], c[2], c[3] == "-" ? null : c[3], c.Length > 4 ? c[4].Trim() : "")),
    ];
}
