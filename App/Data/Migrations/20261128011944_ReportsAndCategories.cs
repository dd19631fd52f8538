using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ESignWeb.Data.Migrations
{
    /// <inheritdoc />
    public partial class ReportsAndCategories : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Categories",
                table: "Templates",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<Guid>(
                name: "PublicId",
                table: "Requests",
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<int>(
                name: "TemplateId",
                table: "Requests",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LastSignInAt",
                table: "AspNetUsers",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "RequestCategories",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RequestId = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false, collation: "NOCASE")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RequestCategories", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RequestCategories_Requests_RequestId",
                        column: x => x.RequestId,
                        principalTable: "Requests",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Requests_OwnerId_CreatedAt",
                table: "Requests",
                columns: new[] { "OwnerId", "CreatedAt" });

            // Every existing request gets its own random version-4 GUID (EF's SQLite text form, upper case) before the
            // unique index: randomblob() is evaluated per row.
            migrationBuilder.Sql("""
                UPDATE Requests SET PublicId =
                    upper(hex(randomblob(4))) || '-' || upper(hex(randomblob(2))) || '-4' || substr(upper(hex(randomblob(2))), 2) || '-' ||
                    substr('89AB', 1 + (abs(random()) % 4), 1) || substr(upper(hex(randomblob(2))), 2) || '-' || upper(hex(randomblob(6)));
                """);

            migrationBuilder.CreateIndex(
                name: "IX_Requests_PublicId",
                table: "Requests",
                column: "PublicId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RequestCategories_Name",
                table: "RequestCategories",
                column: "Name");

            migrationBuilder.CreateIndex(
                name: "IX_RequestCategories_RequestId_Name",
                table: "RequestCategories",
                columns: new[] { "RequestId", "Name" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RequestCategories");

            migrationBuilder.DropIndex(
                name: "IX_Requests_OwnerId_CreatedAt",
                table: "Requests");

            migrationBuilder.DropIndex(
                name: "IX_Requests_PublicId",
                table: "Requests");

            migrationBuilder.DropColumn(
                name: "Categories",
                table: "Templates");

            migrationBuilder.DropColumn(
                name: "PublicId",
                table: "Requests");

            migrationBuilder.DropColumn(
                name: "TemplateId",
                table: "Requests");

            migrationBuilder.DropColumn(
                name: "LastSignInAt",
                table: "AspNetUsers");
        }
    }
}
