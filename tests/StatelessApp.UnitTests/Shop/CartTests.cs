using System.Text;
using StatelessApp.Web.Shop;

namespace StatelessApp.UnitTests.Shop;

public class CartTests
{
    [Fact]
    public void Adding_the_same_product_twice_adds_up_on_one_line()
    {
        var cart = new Cart();

        Assert.Equal(CartChange.Done, cart.Add(3, 2));
        Assert.Equal(CartChange.Done, cart.Add(3, 5));
        Assert.Equal(CartChange.Done, cart.Add(9, 1));

        Assert.Equal([new CartLine(3, 7), new CartLine(9, 1)], cart.Lines);
        Assert.Equal(8, cart.ItemCount);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(Cart.MaxQuantityPerLine + 1)]
    public void Quantity_out_of_range_is_refused_and_changes_nothing(int quantity)
    {
        var cart = new Cart();
        cart.Add(1, 1);

        Assert.Equal(CartChange.InvalidQuantity, cart.Add(1, quantity));
        Assert.Equal(CartChange.InvalidQuantity, cart.SetQuantity(1, quantity));
        Assert.Equal(1, cart.QuantityOf(1));
    }

    [Fact]
    public void Adding_beyond_the_line_maximum_is_refused()
    {
        var cart = new Cart();
        cart.Add(1, Cart.MaxQuantityPerLine);

        Assert.Equal(CartChange.InvalidQuantity, cart.Add(1, 1));
        Assert.Equal(Cart.MaxQuantityPerLine, cart.QuantityOf(1));
    }

    [Fact]
    public void A_cart_holds_at_most_max_lines_products()
    {
        var cart = new Cart();
        for (var id = 1; id <= Cart.MaxLines; id++)
        {
            Assert.Equal(CartChange.Done, cart.Add(id, 1));
        }

        Assert.Equal(CartChange.TooManyLines, cart.Add(Cart.MaxLines + 1, 1));
        Assert.Equal(CartChange.Done, cart.Add(1, 1)); // an existing line can still grow
    }

    [Fact]
    public void Set_quantity_and_remove_need_the_product_in_the_cart()
    {
        var cart = new Cart();
        cart.Add(4, 1);

        Assert.Equal(CartChange.NotInCart, cart.SetQuantity(5, 2));
        Assert.Equal(CartChange.NotInCart, cart.Remove(5));
        Assert.Equal(CartChange.Done, cart.SetQuantity(4, 6));
        Assert.Equal(6, cart.QuantityOf(4));
        Assert.Equal(CartChange.Done, cart.Remove(4));
        Assert.True(cart.IsEmpty);
    }

    [Fact]
    public void Round_trips_through_compact_bytes()
    {
        var cart = new Cart();
        cart.Add(17, 2);
        cart.Add(3, 1);

        var bytes = cart.ToBytes();
        var copy = Cart.FromBytes(bytes);

        Assert.Equal("[[17,2],[3,1]]", Encoding.UTF8.GetString(bytes));
        Assert.Equal(cart.Lines, copy.Lines);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"a\":1}")]
    [InlineData("[[1,2],")]
    [InlineData("null")]
    public void Unreadable_bytes_give_an_empty_cart(string? stored)
    {
        var cart = Cart.FromBytes(stored is null ? null : Encoding.UTF8.GetBytes(stored));

        Assert.True(cart.IsEmpty);
    }

    [Fact]
    public void Invalid_lines_are_dropped_and_valid_ones_kept()
    {
        var stored = "[[1,2],[0,1],[-4,1],[2,0],[3,500],[4],[5,1,9],[1,3],[6,1]]";

        var cart = Cart.FromBytes(Encoding.UTF8.GetBytes(stored));

        Assert.Equal([new CartLine(1, 2), new CartLine(6, 1)], cart.Lines);
    }

    [Fact]
    public void Stored_carts_with_too_many_lines_are_cut_to_the_maximum()
    {
        var stored = "[" + string.Join(',', Enumerable.Range(1, Cart.MaxLines + 10).Select(id => $"[{id},1]")) + "]";

        var cart = Cart.FromBytes(Encoding.UTF8.GetBytes(stored));

        Assert.Equal(Cart.MaxLines, cart.Lines.Count);
    }

    [Fact]
    public void Merging_adds_quantities_caps_each_line_and_leaves_out_lines_past_the_maximum()
    {
        var cart = new Cart();
        Assert.Equal(CartChange.Done, cart.Add(1, 2));
        Assert.Equal(CartChange.Done, cart.Add(2, 90));
        for (var id = 3; id <= Cart.MaxLines; id++)
        {
            Assert.Equal(CartChange.Done, cart.Add(id, 1));
        }

        var saved = new Cart();
        Assert.Equal(CartChange.Done, saved.Add(1, 3));
        Assert.Equal(CartChange.Done, saved.Add(2, 20));
        Assert.Equal(CartChange.Done, saved.Add(Cart.MaxLines + 1, 1));

        cart.Merge(saved);

        Assert.Equal(5, cart.QuantityOf(1));
        Assert.Equal(Cart.MaxQuantityPerLine, cart.QuantityOf(2));
        Assert.Equal(0, cart.QuantityOf(Cart.MaxLines + 1));
        Assert.Equal(Cart.MaxLines, cart.Lines.Count);
    }
}
