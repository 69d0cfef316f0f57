using StatelessApp.Stack;

namespace StatelessApp.UnitTests.Stack;

public sealed class StackSecretsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("stack-secrets-").FullName;

    private string File => Path.Combine(_folder, "secrets.env");

    [Fact]
    public void First_load_generates_distinct_passwords_into_a_file_only_the_owner_can_read()
    {
        var secrets = StackSecrets.LoadOrCreate(File, _ => null);

        var passwords = new[] { secrets.RedisAdminPassword, secrets.RedisAppPassword, secrets.RedisReplicaPassword, secrets.RedisSentinelPassword, secrets.PostgresSuperuserPassword, secrets.PostgresReplicationPassword, secrets.ShopDbPassword, secrets.PatroniRestPassword, secrets.EtcdRootPassword,
            secrets.ShopOwnerDbPassword, secrets.PostgresRewindPassword, secrets.EtcdPatroniPassword };
        Assert.Equal(passwords.Length, passwords.Distinct().Count());
        Assert.All(passwords, p => Assert.Matches("^[0-9a-f]{32}$", p));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, OperatingSystem.IsWindows() ? UnixFileMode.None : System.IO.File.GetUnixFileMode(File));
    }

    [Fact]
    public void Later_loads_keep_the_saved_passwords()
    {
        var first = StackSecrets.LoadOrCreate(File, _ => null);
        var second = StackSecrets.LoadOrCreate(File, _ => null);

        Assert.Equal(first.RedisAppPassword, second.RedisAppPassword);
        Assert.Equal(first.ShopDbPassword, second.ShopDbPassword);
    }

    [Fact]
    public void The_environment_wins_over_the_file()
    {
        StackSecrets.LoadOrCreate(File, _ => null);

        var secrets = StackSecrets.LoadOrCreate(File, key => key == StackSecrets.RedisAppPasswordKey ? "from-env $pecial" : null);

        Assert.Equal("from-env $pecial", secrets.RedisAppPassword);
        Assert.Equal("from-env $pecial", StackSecrets.LoadOrCreate(File, _ => null).RedisAppPassword);
    }

    [Fact]
    public void A_rotated_secret_is_saved_and_the_others_kept()
    {
        var before = StackSecrets.LoadOrCreate(File, _ => null);

        var rotated = before.With(new Dictionary<string, string> { [StackSecrets.ShopDbPasswordKey] = "rotated" }, File, _ => null);

        Assert.Equal("rotated", rotated.ShopDbPassword);
        Assert.Equal("rotated", StackSecrets.LoadOrCreate(File, _ => null).ShopDbPassword);
        Assert.Equal(before.RedisAppPassword, StackSecrets.LoadOrCreate(File, _ => null).RedisAppPassword);
    }

    [Fact]
    public void A_secret_pinned_by_the_environment_is_not_rotated()
    {
        var before = StackSecrets.LoadOrCreate(File, _ => null);

        Assert.Throws<StackException>(() => before.With(new Dictionary<string, string> { [StackSecrets.ShopDbPasswordKey] = "rotated" }, File,
            key => key == StackSecrets.ShopDbPasswordKey ? "pinned" : null));
        Assert.Equal(before.ShopDbPassword, StackSecrets.LoadOrCreate(File, _ => null).ShopDbPassword);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
