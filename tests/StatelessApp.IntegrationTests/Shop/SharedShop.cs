namespace StatelessApp.IntegrationTests.Shop;

/// <summary>Tests that leave the servers running share one set: Redis, PostgreSQL primary + standby, two instances.</summary>
[CollectionDefinition(Name)]
public sealed class SharedShop : ICollectionFixture<ShopServers>
{
    public const string Name = "Shop on two instances";
}
