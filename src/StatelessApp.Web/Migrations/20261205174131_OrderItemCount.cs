using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StatelessApp.Web.Migrations
{
    /// <summary>
    /// Expand step of a two-step change (docs/operations.md, "Migrations: expand, then contract"): the column arrives
    /// nullable, so the release still running keeps inserting orders without it, and existing orders are backfilled.
    /// Orders the old release places during the rolling upgrade stay NULL: readers fall back to the lines, and the
    /// contract step (the NEXT release: backfill again, then NOT NULL) is refused by migrate in this same release.
    /// </summary>
    public partial class OrderItemCount : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "ItemCount",
                table: "orders",
                type: "integer",
                nullable: true);

            migrationBuilder.Sql(
                """
                UPDATE orders SET "ItemCount" = (SELECT sum(l."Quantity") FROM order_lines l WHERE l."OrderId" = orders."Id")
                WHERE "ItemCount" IS NULL
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ItemCount",
                table: "orders");
        }
    }
}
