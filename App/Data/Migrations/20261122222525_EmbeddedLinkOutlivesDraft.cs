using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ESignWeb.Data.Migrations
{
    /// <inheritdoc />
    public partial class EmbeddedLinkOutlivesDraft : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_EmbeddedLinks_Requests_RequestId",
                table: "EmbeddedLinks");

            migrationBuilder.AddForeignKey(
                name: "FK_EmbeddedLinks_Requests_RequestId",
                table: "EmbeddedLinks",
                column: "RequestId",
                principalTable: "Requests",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_EmbeddedLinks_Requests_RequestId",
                table: "EmbeddedLinks");

            migrationBuilder.AddForeignKey(
                name: "FK_EmbeddedLinks_Requests_RequestId",
                table: "EmbeddedLinks",
                column: "RequestId",
                principalTable: "Requests",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }
    }
}
