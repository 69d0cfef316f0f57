using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace StatelessApp.Web.Migrations
{
    /// <inheritdoc />
    public partial class InitialCatalogue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "orders",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ShopperId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Total = table.Column<decimal>(type: "numeric(12,2)", precision: 12, scale: 2, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_orders", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "products",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Sku = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    Category = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Price = table.Column<decimal>(type: "numeric(10,2)", precision: 10, scale: 2, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_products", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "order_lines",
                columns: table => new
                {
                    OrderId = table.Column<Guid>(type: "uuid", nullable: false),
                    ProductId = table.Column<int>(type: "integer", nullable: false),
                    Sku = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ProductName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    UnitPrice = table.Column<decimal>(type: "numeric(10,2)", precision: 10, scale: 2, nullable: false),
                    Quantity = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_order_lines", x => new { x.OrderId, x.ProductId });
                    table.ForeignKey(
                        name: "FK_order_lines_orders_OrderId",
                        column: x => x.OrderId,
                        principalTable: "orders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_order_lines_products_ProductId",
                        column: x => x.ProductId,
                        principalTable: "products",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.InsertData(
                table: "products",
                columns: new[] { "Id", "Category", "Description", "Name", "Price", "Sku" },
                values: new object[,]
                {
                    { 1, "Tea", "Malty black tea from the Brahmaputra valley, strong enough for milk.", "Assam Breakfast", 6.50m, "TEA-001" },
                    { 2, "Tea", "Light, floral spring harvest from the Himalayan foothills.", "Darjeeling First Flush", 12.90m, "TEA-002" },
                    { 3, "Tea", "Grassy Japanese green tea, steamed right after picking.", "Sencha", 9.40m, "TEA-003" },
                    { 4, "Tea", "Rolled, lightly oxidised tea with an orchid finish.", "Oolong Tie Guan Yin", 14.20m, "TEA-004" },
                    { 5, "Tea", "Black tea scented with bergamot oil.", "Earl Grey", 7.10m, "TEA-005" },
                    { 6, "Tea", "Caffeine-free South African red bush with vanilla.", "Rooibos Vanilla", 5.80m, "TEA-006" },
                    { 7, "Coffee", "Washed Arabica, notes of lemon and jasmine. Whole beans, 250 g.", "Ethiopia Yirgacheffe", 11.50m, "COF-001" },
                    { 8, "Coffee", "Balanced, caramel sweetness, medium roast. Whole beans, 250 g.", "Colombia Huila", 9.90m, "COF-002" },
                    { 9, "Coffee", "Earthy, full body, low acidity. Whole beans, 250 g.", "Sumatra Mandheling", 10.40m, "COF-003" },
                    { 10, "Coffee", "Dark roast for espresso machines. Whole beans, 500 g.", "Espresso Blend", 15.90m, "COF-004" },
                    { 11, "Coffee", "Swiss-water decaffeinated, nutty and mild. Ground, 250 g.", "Decaf Brazil", 9.20m, "COF-005" },
                    { 12, "Coffee", "Coarse-ground blend in filter bags for 1 litre of cold brew.", "Cold Brew Pack", 8.60m, "COF-006" },
                    { 13, "Brewing", "Ceramic cone dripper for one or two cups.", "Pour-over Dripper", 24.00m, "BRW-001" },
                    { 14, "Brewing", "100 unbleached paper filters, size 02.", "Paper Filters", 4.50m, "BRW-002" },
                    { 15, "Brewing", "Stainless steel kettle, 1 l, for an even pour.", "Gooseneck Kettle", 39.00m, "BRW-003" },
                    { 16, "Brewing", "Glass and steel press, 8 cups.", "French Press", 29.50m, "BRW-004" },
                    { 17, "Brewing", "Conical steel burrs, adjustable from espresso to French press.", "Hand Grinder", 59.00m, "BRW-005" },
                    { 18, "Brewing", "Fine mesh basket that fits most mugs.", "Tea Infuser", 6.90m, "BRW-006" },
                    { 19, "Cups", "Hand-glazed mug, 350 ml.", "Stoneware Mug", 14.00m, "CUP-001" },
                    { 20, "Cups", "Keeps tea hot and hands cool, 250 ml, set of two.", "Double-wall Glass", 18.50m, "CUP-002" },
                    { 21, "Cups", "Porcelain cups and saucers, set of four.", "Espresso Cups", 26.00m, "CUP-003" },
                    { 22, "Cups", "Vacuum-insulated, leak-proof lid, 400 ml.", "Travel Tumbler", 22.90m, "CUP-004" },
                    { 23, "Cups", "Cast iron teapot with enamel lining, 0.8 l.", "Teapot", 44.00m, "CUP-005" },
                    { 24, "Cups", "Wide chawan for whisking matcha.", "Matcha Bowl", 19.50m, "CUP-006" },
                    { 25, "Sweets", "Single-origin bar from Peru, 100 g.", "Dark Chocolate 70%", 3.90m, "SWT-001" },
                    { 26, "Sweets", "Twice-baked Tuscan biscuits, 200 g.", "Almond Biscotti", 5.40m, "SWT-002" },
                    { 27, "Sweets", "Butter shortbread fingers, 150 g.", "Shortbread", 4.20m, "SWT-003" },
                    { 28, "Sweets", "Raw wildflower honey, 250 g jar.", "Honey", 8.80m, "SWT-004" },
                    { 29, "Sweets", "Caramel-filled waffles from Gouda, 8 pieces.", "Stroopwafels", 4.90m, "SWT-005" },
                    { 30, "Sweets", "Crystallised ginger pieces, 150 g.", "Candied Ginger", 4.60m, "SWT-006" },
                    { 31, "Gifts", "Twelve teas of the catalogue, enough for three cups each.", "Tea Sampler", 19.90m, "GFT-001" },
                    { 32, "Gifts", "Three single origins, 100 g each.", "Coffee Tasting Set", 21.50m, "GFT-002" },
                    { 33, "Gifts", "Dripper, filters and a bag of Colombia Huila.", "Brewing Starter Kit", 34.00m, "GFT-003" },
                    { 34, "Gifts", "A card worth 25 euros in the shop.", "Gift Card 25", 25.00m, "GFT-004" },
                    { 35, "Gifts", "A card worth 50 euros in the shop.", "Gift Card 50", 50.00m, "GFT-005" },
                    { 36, "Gifts", "24 days of tea, one sachet each.", "Advent Calendar", 29.00m, "GFT-006" }
                });

            migrationBuilder.CreateIndex(
                name: "IX_order_lines_ProductId",
                table: "order_lines",
                column: "ProductId");

            migrationBuilder.CreateIndex(
                name: "IX_orders_ShopperId_CreatedAt",
                table: "orders",
                columns: new[] { "ShopperId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_products_Sku",
                table: "products",
                column: "Sku",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "order_lines");

            migrationBuilder.DropTable(
                name: "orders");

            migrationBuilder.DropTable(
                name: "products");
        }
    }
}
