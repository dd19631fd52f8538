using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ESignWeb.Data.Migrations
{
    /// <inheritdoc />
    public partial class TemplateRoleOrder : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Order",
                table: "TemplateRoles",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1);

            // Existing roles: one after another gives each role its own group (its id); all at once puts every role in
            // one group (1), as a request's recipients with equal orders act at once.
            migrationBuilder.Sql(
                """
                UPDATE "TemplateRoles" SET "Order" = CASE
                    WHEN (SELECT "IsOrdered" FROM "Templates" WHERE "Templates"."Id" = "TemplateRoles"."TemplateId") THEN "Number"
                    ELSE 1 END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Order",
                table: "TemplateRoles");
        }
    }
}
